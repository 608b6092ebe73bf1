import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { ChildProcess } from 'node:child_process'
import { noisePng, signUpOverHttp, uploadImage } from '@messenger/api/testing-http'
import { freePort } from '@messenger/db'
import { createTestDb, type TestDb } from '@messenger/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  healthy,
  removeScratch,
  runDockerfileStages,
  scratchDir,
  startStage,
  type Stage,
} from './dockerfile'
import { ROOT } from './servers'

let scratch: string
let image: Stage
const log: string[] = []
let t: TestDb | undefined
beforeAll(async () => {
  scratch = scratchDir()
  image = runDockerfileStages(join(ROOT, 'deploy/Dockerfile'), scratch, log)
  t = await createTestDb()
}, 900_000)
afterAll(async () => {
  await t?.drop()
  removeScratch(scratch)
})

const app = () => join(image.root, image.workdir)

describe("deploy/Dockerfile's steps, run without Docker", () => {
  it('passes its smoke step (sharp and argon2 load) and keeps production dependencies only', () => {
    expect(log.join('\n')).toMatch(/smoke: sharp with libvips [\d.]+ and argon2 work/)
    const modules = readdirSync(join(app(), 'packages/api/node_modules/.pnpm'))
    expect(modules.some((m) => m.startsWith('sharp@'))).toBe(true)
    for (const dev of ['vite', 'vitest', 'tsx', 'esbuild', 'eslint', 'react']) {
      expect(modules.filter((m) => m.startsWith(`${dev}@`))).toEqual([])
    }
    expect(existsSync(join(app(), 'packages/web/dist/index.html'))).toBe(true)
    expect(existsSync(join(app(), 'packages/api/src'))).toBe(false)
    // Only DATA_DIR belongs to the unprivileged user.
    expect(statSync(join(app(), 'packages/api/node_modules')).uid).toBe(0)
    expect(statSync(join(app(), 'data')).uid).not.toBe(0)
  })

  it('starts as its user, becomes healthy, stores an upload and stops cleanly on SIGTERM', async () => {
    const env = {
      PORT: String(await freePort()),
      DATABASE_URL: t!.url,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PASSWORD_PEPPER: randomBytes(32).toString('hex'),
      REDIS_URL: '',
      ELASTICSEARCH_URL: '',
    }
    const server: ChildProcess = startStage(image, env)
    let output = ''
    server.stdout?.on('data', (d: Buffer) => (output += d.toString()))
    server.stderr?.on('data', (d: Buffer) => (output += d.toString()))
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve))
    try {
      await expect
        .poll(() => server.exitCode === null && healthy(image, env), {
          timeout: 90_000,
          interval: 500,
        })
        .toBe(true)
      const url = `http://127.0.0.1:${env.PORT}`
      const user = await signUpOverHttp(url)
      const upload = await uploadImage(url, user.accessToken, await noisePng(100_000))
      expect(upload.status, `${upload.body}\n${output}`).toBe(201)
      expect(readdirSync(join(app(), 'data/images')).length).toBeGreaterThan(0)
    } finally {
      server.kill('SIGTERM')
    }
    expect(await exited, output).toBe(0)
  })
})
