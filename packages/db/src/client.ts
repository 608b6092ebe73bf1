import { Kysely, MysqlDialect } from 'kysely'
import { createPool } from 'mysql2'
import type { Database } from './database'

export type Db = Kysely<Database>

/** Parses `mysql://user:pass@host:port/db` into its parts; the database name is required. */
export const parseDatabaseUrl = (url: string) => {
  const u = new URL(url)
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''))
  if (!/^[A-Za-z0-9_]+$/.test(database)) {
    throw new Error(
      `DATABASE_URL must name a database of letters, digits and _ (got "${database}")`,
    )
  }
  return {
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database,
  }
}

export const createDb = (url: string, options: { connectionLimit?: number } = {}): Db => {
  const { host, port, user, password, database } = parseDatabaseUrl(url)
  const pool = createPool({
    host,
    port,
    user,
    password,
    database,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    connectionLimit: options.connectionLimit ?? 30,
    supportBigNumbers: true,
  })
  // Sessions run in UTC so DATETIME values round-trip as UTC.
  pool.on('connection', (conn) => {
    conn.query("SET time_zone = '+00:00'")
  })
  return new Kysely<Database>({ dialect: new MysqlDialect({ pool }) })
}
