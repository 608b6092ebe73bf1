import { join } from 'node:path'
import { findMariadbBinary, parseDatabaseUrl, startPrivateMariadb } from '@messenger/db'
import type { Config } from '../env'
import type { Logger } from '../logger'
import { reachable } from './reachable'
import { StartupError } from './startup-error'

export interface DatabaseServer {
  /** The DATABASE_URL to use: the configured one, or the private server's. */
  url: string
  /** Stops the private server when this process started one; nothing otherwise. */
  stop: () => Promise<void>
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost'])
const COMPOSE_MYSQL = 'docker compose -f docker-compose.yml -f docker-compose.dev.yml up -d mysql'

/**
 * First run on a laptop: when nothing answers at a local DATABASE_URL for root without a password
 * (the default) and MariaDB or MySQL is installed, runs a private server under DATA_DIR/mariadb on
 * that port for as long as this process runs. Production never does: there the database is the
 * operator's, and its absence is an error.
 */
export const ensureDatabaseServer = async (
  config: Config,
  log: Logger,
): Promise<DatabaseServer> => {
  const { host, port, user, password } = parseDatabaseUrl(config.databaseUrl)
  const none = { url: config.databaseUrl, stop: () => Promise.resolve() }
  if (await reachable(host, port)) return none

  const where = `${host}:${port}`
  const ours =
    config.nodeEnv !== 'production' && LOCAL_HOSTS.has(host) && user === 'root' && password === ''
  if (!ours) {
    throw new StartupError(
      `No MySQL or MariaDB answers at ${where} (DATABASE_URL): start it, or run one with \`${COMPOSE_MYSQL}\` and point DATABASE_URL at it.`,
    )
  }
  const binary = findMariadbBinary()
  if (binary === undefined) {
    throw new StartupError(
      `No MySQL or MariaDB answers at ${where} and none is installed: install MariaDB (pnpm start then runs one of its own under DATA_DIR), or run \`${COMPOSE_MYSQL}\` and set DATABASE_URL as the README says.`,
    )
  }
  const dataDir = join(config.dataDir, 'mariadb')
  log.info(`nothing answers at ${where}; starting a private ${binary} in ${dataDir}`)
  try {
    const server = await startPrivateMariadb({ dataDir, port, binary })
    const url = new URL(config.databaseUrl)
    url.hostname = '127.0.0.1'
    return { url: url.toString(), stop: server.stop }
  } catch (e) {
    throw new StartupError(
      `Could not start a private database in ${dataDir}: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    )
  }
}
