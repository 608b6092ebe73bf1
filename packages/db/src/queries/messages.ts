import { sql } from 'kysely'
import type { MessageRow } from '../database'
import type { Db } from '../client'
import type { Executor } from './chats'
import { appendEvents } from './events'

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

/**
 * Newest first, keyset-paged on the time-ordered id: the cost is the same on any page. The index
 * hint and the two-column ORDER BY keep MariaDB on a range scan of (chat_id, id); left alone it
 * picks a ref scan on chat_id and walks down from the newest row to the cursor.
 */
export const listChatMessages = async (
  db: Executor,
  chatId: string,
  before: string | undefined,
  limit: number,
) => {
  const r = await sql<MessageRow>`
    SELECT * FROM messages FORCE INDEX (messages_chat)
     WHERE chat_id = ${chatId} ${before === undefined ? sql`` : sql`AND id < ${before}`}
     ORDER BY chat_id DESC, id DESC LIMIT ${limit}`.execute(db)
  return r.rows
}

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

/**
 * Unread counts for a page of chats in one statement: per chat, others' live messages after its
 * read mark, counted up to `cap` so a huge backlog costs no more. Each branch is a range scan of
 * (chat_id, id) from the read mark, for the same reason as in listChatMessages. Chats with nothing
 * unread are absent from the answer.
 */
export const countUnreadMany = async (
  db: Executor,
  chats: readonly { chatId: string; afterId: string | null }[],
  userId: string,
  cap: number,
) => {
  if (chats.length === 0) return new Map<string, number>()
  const branches = chats.map(
    (c) => sql`(SELECT chat_id FROM messages FORCE INDEX (messages_chat)
       WHERE chat_id = ${c.chatId} ${c.afterId === null ? sql`` : sql`AND id > ${c.afterId}`}
         AND deleted = 0 AND sender_id <> ${userId}
       ORDER BY chat_id, id LIMIT ${cap})`,
  )
  const r = await sql<{ chat_id: string; n: number | string }>`
    SELECT chat_id, COUNT(*) AS n FROM (${sql.join(branches, sql` UNION ALL `)}) AS unread
     GROUP BY chat_id`.execute(db)
  return new Map(r.rows.map((row) => [row.chat_id, Number(row.n)]))
}

export const deleteChatMessages = (db: Executor, chatId: string) =>
  db.deleteFrom('messages').where('chat_id', '=', chatId).execute()

export type SendOutcome =
  | { status: 'sent'; eventId: string; members: string[] }
  | { status: 'duplicate' }
  | { status: 'not_member' }

/**
 * The MySQL store's send: the message, its postings, the chat's activity and the event in one
 * transaction and one round trip (the send_message procedure). Answers the event id and the
 * members it is for; 'duplicate' when (sender, clientId) was stored already, 'not_member' when the
 * sender is not (or no longer) in the chat.
 */
export const sendMessageRow = async (
  db: Executor,
  m: MessageRow,
  termIds: readonly number[],
): Promise<SendOutcome> => {
  const r = await sql`CALL send_message(${m.id}, ${m.chat_id}, ${m.sender_id}, ${m.client_id},
    ${m.text}, ${m.image_ids}, ${m.created_at}, ${JSON.stringify(termIds)})`.execute(db)
  // CALL answers [resultSet, okPacket]; the first row of the first set holds the outcome.
  const rows = r.rows as unknown as {
    status: string
    event_id: number | string | null
    members: string | null
  }[][]
  const row = rows[0]?.[0]
  if (row?.status === 'sent' && row.event_id !== null && row.members !== null) {
    return { status: 'sent', eventId: String(row.event_id), members: row.members.split(',') }
  }
  if (row?.status === 'duplicate') return { status: 'duplicate' }
  if (row?.status === 'not_member') return { status: 'not_member' }
  throw new Error(`send_message answered ${JSON.stringify(row)}`)
}

/**
 * The same bookkeeping for a store that keeps messages elsewhere: the chat's activity and event,
 * with the members read under the chat's row lock, as send_message does.
 */
class NotMember extends Error {}

export const recordMessageCreated = async (
  db: Db,
  m: { chatId: string; senderId: string; messageId: string; at: Date },
): Promise<SendOutcome> => {
  try {
    return await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('chats')
        .set({ updated_at: m.at, last_message_id: m.messageId })
        .where('id', '=', m.chatId)
        .execute()
      const members = (
        await trx
          .selectFrom('chat_members')
          .select('user_id')
          .where('chat_id', '=', m.chatId)
          .modifyEnd(sql`LOCK IN SHARE MODE`)
          .execute()
      ).map((r) => r.user_id)
      // Thrown to roll the chat's activity back.
      if (!members.includes(m.senderId)) throw new NotMember()
      const [eventId] = await appendEvents(trx, [
        { chatId: m.chatId, type: 'message.created', messageId: m.messageId },
      ])
      return { status: 'sent' as const, eventId: eventId!, members }
    })
  } catch (e) {
    if (e instanceof NotMember) return { status: 'not_member' }
    throw e
  }
}
