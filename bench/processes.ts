/** Servers under test in processes of their own, so each one's CPU and RSS are its alone. */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { bundleForNode } from './bundle'

/** What each process asks for (the server needs one fd per stream); only root may raise the hard limit. */
export const FD_LIMIT = 65_536
export const raiseFds = `ulimit -Hn ${FD_LIMIT} 2>/dev/null; ulimit -n $(ulimit -Hn)`

/** `node <flags> <file>` with an IPC channel, its fd limit raised first. */
export const child = (file: string, childEnv: Record<string, string>, nodeFlags = '--import tsx') =>
  spawn('bash', ['-c', `${raiseFds} && exec node ${nodeFlags} ${file}`], {
    env: { ...process.env, ...childEnv },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })

/** The next IPC message of `type` from `p`; rejects if it exits first. */
export const nextMessage = <T>(p: ChildProcess, type: string) =>
  new Promise<T>((resolve, reject) => {
    const on = (m: { type: string }) => {
      if (m.type !== type) return
      p.off('message', on)
      p.off('exit', exit)
      resolve(m as T)
    }
    const exit = (code: number | null) =>
      reject(new Error(`child exited (${code}) waiting for ${type}`))
    p.on('message', on)
    p.once('exit', exit)
  })

export interface ServerProcess {
  url: string
  process: ChildProcess
  /** CPU time the process has used so far, ms. */
  cpu: () => Promise<number>
  /** RSS and heap after a full GC. */
  memory: () => Promise<{ rss: number; heap: number }>
  /** Starts measuring the event loop's delay (bench/ipc.ts). */
  loopStart: () => void
  /** Its p99 and max since loopStart, ms. */
  loop: () => Promise<{ p99: number; max: number }>
  /** Starts a CPU profile of what comes next (bench/ipc.ts). */
  profileStart: () => void
  /** Ends it and writes it to `file`. */
  profileStop: (file: string) => Promise<void>
  stop: () => Promise<void>
}

/**
 * Bundles `entry` (a server answering `listening`, `cpu` and `rss` over IPC, as
 * capacity-server.ts does) like production and runs it in a process of its own.
 */
export const startServerProcess = async (
  entry: string,
  childEnv: Record<string, string>,
  nodeFlags = '',
): Promise<ServerProcess> => {
  const name = entry.split('/').at(-1)!.replace(/\.ts$/, '')
  const p = child(await bundleForNode(entry, name), childEnv, `--expose-gc ${nodeFlags}`)
  const { url } = await nextMessage<{ url: string }>(p, 'listening')
  return {
    url,
    process: p,
    cpu: async () => {
      p.send({ type: 'cpu' })
      return (await nextMessage<{ cpu: number }>(p, 'cpu')).cpu
    },
    memory: async () => {
      p.send({ type: 'rss' })
      return nextMessage<{ rss: number; heap: number }>(p, 'rss')
    },
    loopStart: () => p.send({ type: 'loop-start' }),
    loop: async () => {
      p.send({ type: 'loop' })
      return nextMessage<{ p99: number; max: number }>(p, 'loop')
    },
    profileStart: () => p.send({ type: 'profile-start' }),
    profileStop: async (file) => {
      const saved = nextMessage(p, 'profiled')
      p.send({ type: 'profile-stop', file })
      await saved
    },
    stop: async () => {
      if (p.exitCode !== null) return
      const exited = new Promise((resolve) => p.once('exit', resolve))
      p.kill('SIGTERM')
      await exited
    },
  }
}

/** The messenger's server (capacity-server.ts) on `databaseUrl`, configured like `pnpm start`. */
export const startApiProcess = (
  databaseUrl: string,
  jwtSecret: string,
  extraEnv: Record<string, string> = {},
  nodeFlags = '',
) =>
  startServerProcess(
    join(import.meta.dirname, 'capacity-server.ts'),
    {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'messenger-bench-')),
      JWT_SECRET: jwtSecret,
      PASSWORD_PEPPER: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'silent',
      ...extraEnv,
    },
    nodeFlags,
  )
