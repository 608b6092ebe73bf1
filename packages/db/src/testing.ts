import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { createDb, type Db } from './client'
import { createDatabaseIfMissing, dropDatabase, migrateTo, migrateToLatest } from './migrate'
import type { Executor } from './queries/chats'
import type { NewEvent } from './queries/events'

const SERVER_URL = process.env.TEST_DATABASE_SERVER ?? 'mysql://root@127.0.0.1:3306'

export interface TestDb {
  db: Db
  url: string
  /** Closes the pool and drops the database. */
  drop: () => Promise<void>
}

const freshDb = async (serverUrl: string, migrate: (db: Db) => Promise<unknown>) => {
  const url = `${serverUrl}/test_${randomBytes(6).toString('hex')}`
  await createDatabaseIfMissing(url)
  const db = createDb(url)
  await migrate(db)
  return {
    db,
    url,
    drop: async () => {
      await db.destroy()
      await dropDatabase(url)
    },
  }
}

/** A fresh, migrated database with a unique name, for one test file (on `serverUrl` if given). */
export const createTestDb = (serverUrl = SERVER_URL): Promise<TestDb> =>
  freshDb(serverUrl, migrateToLatest)

/**
 * A fresh database migrated only up to `migration` (included): data written to it is the data a
 * later migration finds on an older install (`migrateToLatest` then runs the rest).
 */
export const createTestDbAt = (migration: string): Promise<TestDb> =>
  freshDb(SERVER_URL, (db) => migrateTo(db, migration))

/**
 * appendEvents without its commit, for tests: the transaction keeps the counter's lock until it
 * ends, as one that stalls between taking its ids and committing would.
 */
export const takeEventIds = async (trx: Executor, events: readonly NewEvent[]) => {
  const r = await sql`UPDATE event_seq SET n = LAST_INSERT_ID(n + ${events.length})
    WHERE id = 1`.execute(trx)
  const first = Number(r.insertId) - events.length + 1
  await trx
    .insertInto('chat_events')
    .values(
      events.map((e, i) => ({
        id: first + i,
        chat_id: e.chatId,
        type: e.type,
        message_id: e.messageId ?? null,
        user_id: e.userId ?? null,
        detail: e.detail ?? null,
      })),
    )
    .execute()
  return events.map((_, i) => String(first + i))
}

/** Users `${prefix}0`, `${prefix}1`, … with these ids (logins and emails follow), for fixtures. */
export const insertTestUsers = async (db: Executor, ids: readonly string[], prefix: string) => {
  await db
    .insertInto('users')
    .values(
      ids.map((id, i) => ({
        id,
        login: `${prefix}${i}`,
        email: `${prefix}${i}@example.com`,
        first_name: prefix,
        last_name: String(i),
        password_hash: 'x'.repeat(64),
        password_salt: 'y'.repeat(32),
      })),
    )
    .execute()
}
