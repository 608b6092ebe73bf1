import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@messenger/db'
import { createTestDb, type TestDb } from '@messenger/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  noisePng,
  openRawEventStream,
  signUpOverHttp,
  startServerProcess,
  uploadImage,
} from '../testing-http'

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'))
  })

const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'messenger-process-'))
  dirs.push(dir)
  return dir
}
let t: TestDb
let png: Buffer
beforeAll(async () => {
  t = await createTestDb()
  png = await noisePng(2 * 1024 * 1024)
})
afterAll(async () => {
  await t.drop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const baseEnv = () => ({
  NODE_ENV: 'test',
  DATABASE_URL: t.url,
  DATA_DIR: tempDir(),
  JWT_SECRET: randomBytes(32).toString('hex'),
  PASSWORD_PEPPER: randomBytes(32).toString('hex'),
  LOG_LEVEL: 'info',
  REDIS_URL: '',
  ELASTICSEARCH_URL: '',
})

describe('SIGTERM', () => {
  it('lets an upload in flight finish with 201, ends event streams cleanly, refuses new connections and exits 0', async () => {
    const server = await startServerProcess({ port: await freePort(), env: baseEnv() })
    const user = await signUpOverHttp(server.url)
    const stream = await openRawEventStream(server.url, user.accessToken)
    await stream.waitFor((events) => events.some((e) => e.event === 'connected'))

    let signalledAt = 0
    const upload = uploadImage(server.url, user.accessToken, png, {
      chunks: 20,
      pauseMs: 150,
      onHalfSent: () => {
        signalledAt = Date.now()
        server.child.kill('SIGTERM')
      },
    })

    expect(await stream.closed).toBe('end')
    await expect.poll(() => refused(server.port), { timeout: 5000 }).toBe(true)
    const result = await upload
    expect(result.status, result.body).toBe(201)
    expect((JSON.parse(result.body) as { image: { id: string } }).image.id).toMatch(
      /^[0-9a-f-]{36}$/,
    )
    expect(await server.exited).toEqual({ code: 0, signal: null })
    expect(Date.now() - signalledAt).toBeLessThan(10_000)
    expect(server.output()).toMatch(/SIGTERM: finishing 2 requests in flight/)
  })

  it('cuts what still runs at the deadline (SHUTDOWN_TIMEOUT_SECONDS) and exits 0', async () => {
    const server = await startServerProcess({
      port: await freePort(),
      env: { ...baseEnv(), SHUTDOWN_TIMEOUT_SECONDS: '1' },
    })
    const user = await signUpOverHttp(server.url)
    let signalledAt = 0
    const upload = uploadImage(server.url, user.accessToken, png, {
      chunks: 40,
      pauseMs: 200,
      onHalfSent: () => {
        signalledAt = Date.now()
        server.child.kill('SIGTERM')
      },
    })
    await expect(upload).rejects.toThrow()
    expect(await server.exited).toEqual({ code: 0, signal: null })
    expect(Date.now() - signalledAt).toBeLessThan(4000)
    expect(server.output()).toMatch(/1 requests were still running at the deadline/)
  })
})

const API_DIR = fileURLToPath(new URL('../..', import.meta.url))

/** Runs the server until it exits by itself (it should, failing to start). */
const runToExit = (env: Record<string, string>) =>
  new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: API_DIR,
      env: { ...process.env, ...baseEnv(), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.once('exit', (code) => resolve({ code, stderr }))
  })

describe('a missing service', () => {
  it.each([
    [
      'REDIS_URL',
      'redis://127.0.0.1:PORT',
      /^messenger: Redis does not answer at 127\.0\.0\.1:\d+/,
    ],
    [
      'ELASTICSEARCH_URL',
      'http://127.0.0.1:PORT',
      /^messenger: Elasticsearch does not answer at 127\.0\.0\.1:\d+/,
    ],
    [
      'DATABASE_URL',
      'mysql://app:secret@127.0.0.1:PORT/messenger',
      /^messenger: No MySQL or MariaDB answers at 127\.0\.0\.1:\d+ \(DATABASE_URL\).*docker compose -f docker-compose.yml -f docker-compose.dev.yml up -d mysql/,
    ],
  ])('named in %s stops the start with one line and no stack trace', async (name, url, line) => {
    const { code, stderr } = await runToExit({
      [name]: url.replace('PORT', String(await freePort())),
    })
    expect(code).toBe(1)
    expect(stderr).toMatch(line)
    expect(stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('first run without a database', () => {
  it('starts a private MariaDB under DATA_DIR when nothing answers, and stops it with the server', async () => {
    const port = await freePort()
    const dataDir = tempDir()
    const server = await startServerProcess({
      port: await freePort(),
      env: {
        ...baseEnv(),
        DATA_DIR: dataDir,
        DATABASE_URL: `mysql://root@127.0.0.1:${port}/messenger`,
      },
    })
    expect(server.output()).toMatch(/starting a private .* in .*mariadb/)
    await signUpOverHttp(server.url)
    server.child.kill('SIGTERM')
    expect(await server.exited).toEqual({ code: 0, signal: null })
    expect(await refused(port)).toBe(true)
  })
})
