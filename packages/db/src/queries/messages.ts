import { sql } from 'kysely'
import type { MessageRow } from '../database'
import type { Executor } from './chats'
import { isDuplicateKey } from './users'

/** Inserts a message; false when (sender, clientId) exists already. */
export const insertMessage = async (db: Executor, m: MessageRow) => {
  try {
    await db.insertInto('messages').values(m).execute()
    return true
  } catch (e) {
    if (isDuplicateKey(e)) return false
    throw e
  }
}

export const findMessagesByIds = async (db: Executor, ids: readonly string[]) =>
  ids.length === 0
    ? []
    : db
        .selectFrom('messages')
        .selectAll()
        .where('id', 'in', [...new Set(ids)])
        .execute()

export const findMessageByClientId = (db: Executor, senderId: string, clientId: string) =>
  db
    .selectFrom('messages')
    .selectAll()
    .where('sender_id', '=', senderId)
    .where('client_id', '=', clientId)
    .executeTakeFirst()

/** Newest first, keyset-paged on the time-ordered id: the cost is the same on any page. */
export const listChatMessages = (
  db: Executor,
  chatId: string,
  before: string | undefined,
  limit: number,
) =>
  db
    .selectFrom('messages')
    .selectAll()
    .where('chat_id', '=', chatId)
    .$if(before !== undefined, (q) => q.where('id', '<', before!))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()

export const updateMessage = (
  db: Executor,
  id: string,
  patch: { text: string | null; editedAt?: Date; deleted?: boolean; imageIds?: string | null },
) =>
  db
    .updateTable('messages')
    .set({
      text: patch.text,
      ...(patch.editedAt !== undefined && { edited_at: patch.editedAt }),
      ...(patch.deleted !== undefined && { deleted: patch.deleted ? 1 : 0 }),
      ...(patch.imageIds !== undefined && { image_ids: patch.imageIds }),
    })
    .where('id', '=', id)
    .execute()

/** Messages after `afterId` from others, counted up to `cap` so a huge backlog costs no more. */
export const countUnread = async (
  db: Executor,
  chatId: string,
  afterId: string | null,
  userId: string,
  cap: number,
) => {
  const r = await sql<{ n: number | string }>`
    SELECT COUNT(*) AS n FROM (
      SELECT 1 FROM messages
       WHERE chat_id = ${chatId} AND deleted = 0 AND sender_id <> ${userId}
         ${afterId === null ? sql`` : sql`AND id > ${afterId}`}
       LIMIT ${cap}) AS unread`.execute(db)
  return Number(r.rows[0]?.n ?? 0)
}

export const deleteChatMessages = (db: Executor, chatId: string) =>
  db.deleteFrom('messages').where('chat_id', '=', chatId).execute()
