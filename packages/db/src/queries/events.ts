import { sql } from 'kysely'
import type { Executor } from './chats'

export type StoredEventType =
  | 'message.created'
  | 'message.updated'
  | 'message.deleted'
  | 'chat.updated'
  | 'chat.removed'
  /** For the reader alone; `message_id` holds their new read mark. */
  | 'chat.read'

/** Appends to the durable event log; returns the event's id (increasing). */
export const insertEvent = async (
  db: Executor,
  e: { chatId: string; type: StoredEventType; messageId?: string; userId?: string },
) => {
  const r = await db
    .insertInto('chat_events')
    .values({
      chat_id: e.chatId,
      type: e.type,
      message_id: e.messageId ?? null,
      user_id: e.userId ?? null,
    })
    .executeTakeFirstOrThrow()
  return String(r.insertId)
}

/**
 * Events after `afterId` that `userId` may see: those of chats they belong to now, and those
 * addressed to them alone (being removed from a chat). Oldest first.
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
  }>`
    SELECT id, chat_id, user_id, type, message_id FROM (
      (SELECT e.id, e.chat_id, e.user_id, e.type, e.message_id
         FROM chat_members m JOIN chat_events e ON e.chat_id = m.chat_id
        WHERE m.user_id = ${userId} AND e.id > ${afterId} AND e.user_id IS NULL
        ORDER BY e.id LIMIT ${limit})
      UNION ALL
      (SELECT id, chat_id, user_id, type, message_id FROM chat_events
        WHERE user_id = ${userId} AND id > ${afterId} ORDER BY id LIMIT ${limit})
    ) AS visible ORDER BY id LIMIT ${limit}`.execute(db)
  return rows.rows.map((r) => ({ ...r, id: String(r.id), type: r.type as StoredEventType }))
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
