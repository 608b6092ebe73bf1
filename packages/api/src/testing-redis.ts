import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '@messenger/db'

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection(port, '127.0.0.1')
    s.once('data', (d) => {
      s.destroy()
      resolve(d.toString().startsWith('+PONG'))
    })
    s.once('error', () => resolve(false))
    s.once('connect', () => s.write('PING\r\n'))
  })

/**
 * A redis-server of our own on a free port, in a temp folder, for tests that kill it: never the
 * shared one. `kill` is SIGKILL; `start` brings it back on the same port (empty, as after a crash
 * without persistence).
 */
export const startPrivateRedis = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'private-redis-'))
  const port = await freePort()
  let child: ReturnType<typeof spawn> | null = null
  let exited: Promise<void> = Promise.resolve()

  const start = async () => {
    const c = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { cwd: dir, stdio: 'ignore' },
    )
    child = c
    exited = new Promise((resolve) => c.once('exit', () => resolve()))
    const deadline = Date.now() + 10_000
    while (!(await answers(port))) {
      if (c.exitCode !== null || Date.now() > deadline) {
        throw new Error(`redis-server did not start on 127.0.0.1:${port}`)
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  const kill = async () => {
    child?.kill('SIGKILL')
    await exited
    child = null
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    kill,
    /** Stops it and removes its folder. */
    close: async () => {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
