import { sql } from 'kysely'
import type { Transaction } from 'kysely'
import type { Database } from '../database'
import type { Executor } from './chats'
import type { StoredEventType } from './events'

/** Makes an index's cursor row if it has none; a new index starts from the log's beginning. */
export const ensureIndexCursor = async (db: Executor, name: string) => {
  await sql`INSERT IGNORE INTO search_index_cursors (name, event_id) VALUES (${name}, 0)`.execute(
    db,
  )
}

/**
 * Claims the index's cursor for this transaction: its last applied event, or null when another
 * worker holds it (SKIP LOCKED: nobody waits, the other worker is doing the job).
 */
export const claimIndexCursor = async (trx: Transaction<Database>, name: string) => {
  const r = await sql<{ event_id: number | string }>`
    SELECT event_id FROM search_index_cursors WHERE name = ${name} FOR UPDATE SKIP LOCKED`.execute(
    trx,
  )
  const row = r.rows[0]
  return row === undefined ? null : Number(row.event_id)
}

/** Locks the cursor, waiting for a worker's batch to end (a reindex). */
export const lockIndexCursor = async (trx: Transaction<Database>, name: string) => {
  const r = await sql<{ event_id: number | string }>`
    SELECT event_id FROM search_index_cursors WHERE name = ${name} FOR UPDATE`.execute(trx)
  return Number(r.rows[0]?.event_id ?? 0)
}

export const advanceIndexCursor = async (db: Executor, name: string, eventId: number) => {
  await sql`UPDATE search_index_cursors SET event_id = ${eventId}, updated_at = CURRENT_TIMESTAMP(3)
    WHERE name = ${name}`.execute(db)
}

/** The cursor without locking it (status, tests); null when the index has none yet. */
export const readIndexCursor = async (db: Executor, name: string) => {
  const r = await sql<{ event_id: number | string }>`
    SELECT event_id FROM search_index_cursors WHERE name = ${name}`.execute(db)
  const row = r.rows[0]
  return row === undefined ? null : Number(row.event_id)
}

export interface LoggedEvent {
  id: number
  chatId: string
  type: StoredEventType
  messageId: string | null
}

/**
 * Events after `afterId`, oldest first. Ids are taken in commit order (appendEvents), so what a
 * read sees is a prefix of the log: nothing can commit later with an id below one seen here.
 */
export const listEventsAfter = async (
  db: Executor,
  afterId: number,
  limit: number,
): Promise<LoggedEvent[]> => {
  const r = await sql<{
    id: number | string
    chat_id: string
    type: string
    message_id: string | null
  }>`SELECT id, chat_id, type, message_id FROM chat_events
      WHERE id > ${afterId} ORDER BY id LIMIT ${limit}`.execute(db)
  return r.rows.map((e) => ({
    id: Number(e.id),
    chatId: e.chat_id,
    type: e.type as StoredEventType,
    messageId: e.message_id,
  }))
}

/** Which of these chats still exist. */
export const existingChatIds = async (db: Executor, ids: readonly string[]) =>
  ids.length === 0
    ? new Set<string>()
    : new Set(
        (
          await db
            .selectFrom('chats')
            .select('id')
            .where('id', 'in', [...new Set(ids)])
            .execute()
        ).map((r) => r.id),
      )

/** Messages in id order after `afterId` (from the first when null): a reindex walks them all. */
export const listMessagesAfter = (db: Executor, afterId: string | null, limit: number) =>
  db
    .selectFrom('messages')
    .selectAll()
    .$if(afterId !== null, (q) => q.where('id', '>', afterId!))
    .orderBy('id')
    .limit(limit)
    .execute()

export const countMessages = async (db: Executor) =>
  Number(
    (
      await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirst()
    )?.n ?? 0,
  )
