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

/**
 * Prepared statements each connection keeps (least recently used closed first): the hot ones are
 * a few dozen, and the server's max_prepared_stmt_count (16,382 by default) is shared by every
 * connection of every pool on it.
 */
const PREPARED_PER_CONNECTION = 32
/** Past this many values a statement is a bulk write: one of a kind, not worth preparing. */
const PREPARED_MAX_VALUES = 100
/** An IN list: its length, so the statement's text, changes from call to call. */
const IN_LIST = /\bin \(\?/i

type QueryCallback = (err: Error | null, result?: unknown) => void
interface RawConnection {
  query: (sql: string, values?: unknown, cb?: QueryCallback) => unknown
  execute: (sql: string, values: unknown[], cb: QueryCallback) => unknown
}

/**
 * Kysely sends every statement with `query`: mysql2 escapes the values into the text and the
 * server parses it anew each time. A statement of a fixed shape with parameters — the hot ones:
 * session, send, history page, read mark — goes as a prepared statement instead (`execute`,
 * prepared once per connection): the server parses it once and the values travel in binary (1.5×
 * the throughput of a history page plus a session read on this machine). Statements without
 * parameters (BEGIN, COMMIT, DDL), with an IN list or many values, and streams stay queries: a
 * text that changes from call to call would cost a prepare for each.
 */
export const preferPrepared = (sql: string, values: unknown) =>
  Array.isArray(values) &&
  values.length > 0 &&
  values.length <= PREPARED_MAX_VALUES &&
  !IN_LIST.test(sql)

const preparedStatements = (conn: RawConnection) => {
  const query = conn.query.bind(conn)
  conn.query = (sql, values, cb) =>
    cb !== undefined && preferPrepared(sql, values)
      ? conn.execute(sql, values as unknown[], cb)
      : query(sql, values, cb)
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
    maxPreparedStatements: PREPARED_PER_CONNECTION,
  })
  // Sessions run in UTC so DATETIME values round-trip as UTC.
  pool.on('connection', (conn) => {
    conn.query("SET time_zone = '+00:00'")
    // Typed by its overloads, which a replacement cannot restate.
    preparedStatements(conn as unknown as RawConnection)
  })
  return new Kysely<Database>({ dialect: new MysqlDialect({ pool }) })
}
