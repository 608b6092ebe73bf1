import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { createConnection } from 'mysql2/promise'

const run = promisify(execFile)

/** A MariaDB (or MySQL) server of our own, on 127.0.0.1, root without a password. */
export interface PrivateMariadb {
  /** `mysql://root@127.0.0.1:<port>`: append `/<database>` for a DATABASE_URL. */
  url: string
  port: number
  /** SIGTERM, then waits until the server has shut down (SIGKILL after 30 s). */
  stop: () => Promise<void>
  /** SIGKILL, as a crash would; `startPrivateMariadb` on the same dataDir and port recovers. */
  kill: () => Promise<void>
  /** Resolves when the server process exits, for whatever reason. */
  exited: Promise<void>
}

export interface PrivateMariadbOptions {
  /** Created and initialised when empty; reused as it is otherwise. */
  dataDir: string
  /** Any free port when left out. */
  port?: number
  /** Path of mariadbd or mysqld; found on PATH and in the usual sbin folders when left out. */
  binary?: string
  /** How long to wait for the first answer. */
  startTimeoutMs?: number
}

const SEARCH_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/mysql/bin', '/opt/homebrew/bin']

const findExecutable = (names: readonly string[]): string | undefined => {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SEARCH_DIRS]
  for (const name of names) {
    for (const dir of dirs) {
      const path = join(dir, name)
      try {
        accessSync(path, constants.X_OK)
        return path
      } catch {
        // not here
      }
    }
  }
  return undefined
}

/** The installed server binary (`mariadbd`, else `mysqld`), or undefined when there is none. */
export const findMariadbBinary = () => findExecutable(['mariadbd', 'mysqld'])

export const freePort = () =>
  new Promise<number>((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolvePort(port))
    })
  })

// mariadbd refuses to run as root unless told to; as anyone else it must not be given --user.
const userArgs = () => (process.getuid?.() === 0 ? ['--user=root'] : [])

// A unix socket path is limited to ~107 bytes; a deep dataDir gets one in the temp folder.
const socketPath = (dataDir: string) => {
  const inDataDir = join(dataDir, 'mysqld.sock')
  if (inDataDir.length < 100) return inDataDir
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 16)
  return join(tmpdir(), `mariadb-${hash}.sock`)
}

const initialise = async (binary: string, dataDir: string) => {
  const { stdout } = await run(binary, ['--version'])
  if (/mariadb/i.test(stdout)) {
    const installer = findExecutable(['mariadb-install-db', 'mysql_install_db'])
    if (installer === undefined) throw new Error('mariadb-install-db is not installed')
    await run(installer, [
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      ...userArgs(),
    ])
  } else {
    // MySQL: root@localhost without a password.
    await run(binary, [
      '--no-defaults',
      '--initialize-insecure',
      `--datadir=${dataDir}`,
      ...userArgs(),
    ])
  }
}

const answers = async (port: number) => {
  try {
    const c = await createConnection({
      host: '127.0.0.1',
      port,
      user: 'root',
      connectTimeout: 1000,
    })
    await c.end()
    return true
  } catch {
    return false
  }
}

const exitOf = (child: ChildProcess) =>
  new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit()
    else child.once('exit', () => resolveExit())
  })

/**
 * Starts a server of our own under `dataDir`, initialising it first when empty. Starting again on
 * the same dataDir and port after `stop` or `kill` brings the same data back.
 *
 * @example
 *   const mariadb = await startPrivateMariadb({ dataDir: await mkdtemp(join(tmpdir(), 'db-')) })
 *   const db = createDb(`${mariadb.url}/app`)
 */
export const startPrivateMariadb = async (
  options: PrivateMariadbOptions,
): Promise<PrivateMariadb> => {
  const binary = options.binary ?? findMariadbBinary()
  if (binary === undefined) throw new Error('neither mariadbd nor mysqld is installed')
  const dataDir = resolve(options.dataDir)
  mkdirSync(dataDir, { recursive: true })
  if (!existsSync(join(dataDir, 'mysql'))) await initialise(binary, dataDir)
  const port = options.port ?? (await freePort())
  const errorLog = join(dataDir, 'mariadbd.err')

  const child = spawn(
    binary,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--socket=${socketPath(dataDir)}`,
      `--pid-file=${join(dataDir, 'mariadbd.pid')}`,
      `--log-error=${errorLog}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      '--skip-log-bin',
      ...userArgs(),
    ],
    { stdio: 'ignore' },
  )
  const exited = exitOf(child)
  const running = () => child.exitCode === null && child.signalCode === null

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000)
  while (!(await answers(port))) {
    if (!running() || Date.now() > deadline) {
      child.kill('SIGKILL')
      await exited
      throw new Error(
        `${binary} did not start on 127.0.0.1:${port} (${running() ? 'no answer in time' : `exited with ${child.exitCode ?? child.signalCode}`}); see ${errorLog}`,
      )
    }
    await new Promise((r) => setTimeout(r, 200))
  }

  const stop = async () => {
    if (!running()) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    await exited
    clearTimeout(timer)
  }
  const kill = async () => {
    if (!running()) return
    child.kill('SIGKILL')
    await exited
  }
  return { url: `mysql://root@127.0.0.1:${port}`, port, stop, kill, exited }
}
