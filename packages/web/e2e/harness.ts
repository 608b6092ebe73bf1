import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { dropDatabase } from '@messenger/db'
import { chromium, type Browser } from 'playwright-core'

export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
export const SCREENSHOTS = join(ROOT, 'screenshots')

const freePort = () =>
  new Promise<number>((done, fail) => {
    const srv = createServer()
    srv.once('error', fail)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => done(port))
    })
  })

const waitReady = async (url: string, server: ChildProcess, output: () => string) => {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited early:\n${output()}`)
    try {
      const res = await fetch(`${url}/readyz`)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`server did not become ready:\n${output()}`)
}

export interface RunningServer {
  url: string
  stop: () => Promise<void>
}

/**
 * What `pnpm start` does, on a fresh database and data folder: build the client if stale, then run
 * the server on a free port. `stop` ends it and drops the database.
 */
export const startServer = async (): Promise<RunningServer> => {
  const build = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'packages/web/scripts/ensure-built.ts'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  )
  if (build.status !== 0) throw new Error(`client build failed:\n${build.stdout}${build.stderr}`)

  const port = await freePort()
  const databaseUrl = `mysql://root@127.0.0.1:3306/test_e2e_${randomBytes(6).toString('hex')}`
  const dataDir = mkdtempSync(join(tmpdir(), 'messenger-e2e-'))
  let log = ''
  const server = spawn(process.execPath, ['--import', 'tsx', 'packages/api/src/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      // An ended session's open stream notices within a second (a minute by default).
      STREAM_SESSION_CHECK_SECONDS: '1',
      ELASTICSEARCH_URL: '',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  server.stdout.on('data', (d: Buffer) => (log += d.toString()))
  server.stderr.on('data', (d: Buffer) => (log += d.toString()))
  const url = `http://127.0.0.1:${port}`

  const running = () => server.exitCode === null && server.signalCode === null
  const stop = async () => {
    if (running()) {
      const exited = new Promise((r) => server.once('exit', r))
      server.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
      if (running()) server.kill('SIGKILL')
    }
    await dropDatabase(databaseUrl)
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    await waitReady(url, server, () => log)
  } catch (error) {
    await stop()
    throw error
  }
  return { url, stop }
}

/** Debian's Chromium, never a downloaded browser. */
export const launchChromium = (): Promise<Browser> => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

/** A plain tRPC call over HTTP, as curl would make it (no transformer). */
export const callApi = async <T>(
  baseUrl: string,
  procedure: string,
  input: unknown,
  token?: string,
  kind: 'query' | 'mutation' = 'mutation',
): Promise<T> => {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const res =
    kind === 'query'
      ? await fetch(
          `${baseUrl}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`,
          { headers },
        )
      : await fetch(`${baseUrl}/trpc/${procedure}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(input),
        })
  const body = (await res.json()) as { result?: { data: T }; error?: { message: string } }
  if (!body.result) throw new Error(`${procedure}: ${body.error?.message ?? res.status}`)
  return body.result.data
}
