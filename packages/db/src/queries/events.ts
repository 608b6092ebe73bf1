import { sql } from 'kysely'
import type { Executor } from './chats'

export type StoredEventType =
  | 'message.created'
  | 'message.updated'
  | 'message.deleted'
  | 'message.pinned'
  | 'message.unpinned'
  | 'chat.updated'
  | 'chat.removed'
  /** For the reader alone; `message_id` holds their new read mark. */
  | 'chat.read'
  /** Someone set or took back a reaction to `message_id`; `detail` says who, which and the count. */
  | 'message.reaction'
  /** For one member: another read the chat up to `message_id`; `detail` names the reader. */
  | 'chat.seen'
  /** For one member: they deleted a message for themselves; `detail` names it. */
  | 'message.hidden'

export interface NewEvent {
  chatId: string
  type: StoredEventType
  messageId?: string | undefined
  /** Set for an event meant for one user only. */
  userId?: string | undefined
  /** JSON of what the event needs beyond its message. */
  detail?: string | undefined
}

/**
 * Appends events to the durable log with ids from the commit-ordered counter and **commits the
 * transaction** (the append_events procedure, one round trip). It is the end of its transaction:
 * ids are visible in the order they were taken, a failure rolls everything back and gives them
 * back, and the counter's lock is held only inside the database (migration 2026_12_02_160000).
 * Answers the ids, ascending.
 */
export const appendEvents = async (trx: Executor, events: readonly NewEvent[]) => {
  if (events.length === 0) return []
  const r = await sql`CALL append_events(${JSON.stringify(events)})`.execute(trx)
  // CALL answers [resultSet, okPacket]; the first row of the first set holds the first id.
  const first = Number((r.rows as unknown as { first_id: number | string }[][])[0]?.[0]?.first_id)
  if (!Number.isSafeInteger(first)) throw new Error('append_events answered no id')
  return events.map((_, i) => String(first + i))
}

/** The highest committed event id: every id up to it is committed too. */
export const lastEventId = async (db: Executor) => {
  const r = await db.selectFrom('event_seq').select('n').where('id', '=', 1).executeTakeFirst()
  return r?.n ?? 0
}

export interface EventRow {
  id: string
  chat_id: string
  user_id: string | null
  type: StoredEventType
  message_id: string | null
  detail: string | null
}

const toEventRow = (r: Omit<EventRow, 'id' | 'type'> & { id: string | number; type: string }) => ({
  ...r,
  id: String(r.id),
  type: r.type as StoredEventType,
})

/** Every logged event with `after < id <= upTo`, oldest first, whoever it is for. */
export const listEventsBetween = async (db: Executor, after: number, upTo: number) =>
  (
    await db
      .selectFrom('chat_events')
      .select(['id', 'chat_id', 'user_id', 'type', 'message_id', 'detail'])
      .where('id', '>', after)
      .where('id', '<=', upTo)
      .orderBy('id')
      .execute()
  ).map(toEventRow)

/**
 * Events after `afterId` that `userId` may see now: those of chats they belong to, and those
 * addressed to them alone — of those only `chat.removed` once they have left, since anything
 * else about a chat they left would show it as it is now. Oldest first.
 */
export const listEventsSince = async (
  db: Executor,
  userId: string,
  afterId: string,
  limit: number,
) => {
  const rows = await sql<{
    id: string | number
    chat_id: string
    user_id: string | null
    type: string
    message_id: string | null
    detail: string | null
  }>`
    SELECT id, chat_id, user_id, type, message_id, detail FROM (
      (SELECT e.id, e.chat_id, e.user_id, e.type, e.message_id, e.detail
         FROM chat_members m JOIN chat_events e ON e.chat_id = m.chat_id
        WHERE m.user_id = ${userId} AND e.id > ${afterId} AND e.user_id IS NULL
        ORDER BY e.id LIMIT ${limit})
      UNION ALL
      (SELECT e.id, e.chat_id, e.user_id, e.type, e.message_id, e.detail FROM chat_events e
        WHERE e.user_id = ${userId} AND e.id > ${afterId}
          AND (e.type = 'chat.removed' OR EXISTS (SELECT 1 FROM chat_members m
                WHERE m.chat_id = e.chat_id AND m.user_id = ${userId}))
        ORDER BY e.id LIMIT ${limit})
    ) AS visible ORDER BY id LIMIT ${limit}`.execute(db)
  return rows.rows.map(toEventRow)
}

/**
 * The newest event id in the log, or null when it is empty. A client that starts from here and
 * later resumes with it as `lastEventId` misses nothing committed after this read.
 */
export const latestEventId = async (db: Executor): Promise<string | null> => {
  const row = await db
    .selectFrom('chat_events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst()
  return row?.id == null ? null : String(row.id)
}
