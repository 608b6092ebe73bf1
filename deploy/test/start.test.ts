import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '@messenger/db'
import { createTestDb, type TestDb } from '@messenger/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertBuilt, productionEnv, ROOT } from './servers'

let t: TestDb
const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'messenger-start-'))
  dirs.push(dir)
  return dir
}
beforeAll(async () => {
  assertBuilt()
  t = await createTestDb()
})
afterAll(async () => {
  await t.drop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const childrenOf = (pid: number) =>
  spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((line) => Number(line.trim()))
    .filter((n) => n > 0)

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('pnpm start', () => {
  it('passes SIGTERM to the server, which stops cleanly; nothing is left behind', async () => {
    const port = await freePort()
    const pnpm = spawn('pnpm', ['start'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...productionEnv(t.url, tempDir()),
        REDIS_URL: '',
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    pnpm.stdout.on('data', (d: Buffer) => (output += d.toString()))
    pnpm.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const exited = new Promise<number | null>((resolve) => pnpm.once('exit', resolve))
    await expect
      .poll(
        async () => {
          try {
            return (await fetch(`http://127.0.0.1:${port}/readyz`)).ok
          } catch {
            return false
          }
        },
        { timeout: 90_000, interval: 300 },
      )
      .toBe(true)
    // No shell between pnpm and the server: its one child is node itself.
    const [server] = childrenOf(pnpm.pid!)
    expect(server).toBeDefined()
    expect(
      spawnSync('ps', ['-o', 'args=', '-p', String(server)], { encoding: 'utf8' }).stdout.trim(),
    ).toMatch(/^\S*node packages\/api\/scripts\/start\.mjs$/)
    pnpm.kill('SIGTERM')
    expect(await exited, output).toBe(0)
    expect(output).toMatch(/SIGTERM: finishing/)
    expect(alive(server!)).toBe(false)
  })

  it('in production, refuses to start without a built web client, in one line', async () => {
    // The bundle alone, where a build of the client would be beside it.
    const root = tempDir()
    mkdirSync(join(root, 'packages/api'), { recursive: true })
    cpSync(join(ROOT, 'packages/api/dist'), join(root, 'packages/api/dist'), { recursive: true })
    symlinkSync(join(ROOT, 'packages/api/node_modules'), join(root, 'packages/api/node_modules'))
    const result = spawnSync(process.execPath, ['packages/api/dist/server.js'], {
      cwd: root,
      env: {
        ...process.env,
        ...productionEnv(t.url, tempDir()),
        REDIS_URL: '',
        PORT: String(await freePort()),
      },
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(result.status).toBe(1)
    expect(result.stderr.trim()).toMatch(
      /^messenger: The web client is not built .*run `pnpm build`/,
    )
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
  })
})
