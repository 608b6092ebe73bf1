import { sql } from 'kysely'
import type { MessageRow } from '../database'
import type { Executor } from './chats'

export const findMessagesByIds = async (db: Executor, ids: readonly string[]) =>
  ids.length === 0
    ? []
    : db
        .selectFrom('messages')
        .selectAll()
        .where('id', 'in', [...new Set(ids)])
        .execute()

/**
 * Messages by id, each with whether `viewerId` deleted it for themselves (a key probe per row), in
 * one statement: the chat list's previews.
 */
export const findMessagesByIdsFor = async (
  db: Executor,
  ids: readonly string[],
  viewerId: string,
) => {
  if (ids.length === 0) return []
  const r = await sql<MessageRow & { hidden_for_viewer: number | string }>`
    SELECT messages.*, EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = ${viewerId}
        AND h.chat_id = messages.chat_id AND h.message_id = messages.id) AS hidden_for_viewer
      FROM messages WHERE id IN (${sql.join([...new Set(ids)])})`.execute(db)
  return r.rows.map(({ hidden_for_viewer, ...row }) => ({
    row,
    hidden: Number(hidden_for_viewer) === 1,
  }))
}

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
 * picks a ref scan on chat_id and walks down from the newest row to the cursor. With `viewerId`,
 * no rows unless they are a member (a constant subquery, one primary-key probe per statement),
 * so a history page needs no membership query of its own.
 */
export const listChatMessages = async (
  db: Executor,
  chatId: string,
  before: string | undefined,
  limit: number,
  viewerId: string | null = null,
) => {
  const r = await sql<MessageRow>`
    SELECT * FROM messages FORCE INDEX (messages_chat)
     WHERE chat_id = ${chatId} ${before === undefined ? sql`` : sql`AND id < ${before}`}
       ${
         viewerId === null
           ? sql``
           : sql`${notHiddenFor(viewerId, chatId)} AND EXISTS (SELECT 1 FROM chat_members cm
         WHERE cm.chat_id = ${chatId} AND cm.user_id = ${viewerId})`
       }
     ORDER BY chat_id DESC, id DESC LIMIT ${limit}`.execute(db)
  return r.rows
}

/**
 * `AND` the message of the row in `messages` is not one `viewerId` deleted for themselves: a probe
 * of hidden_messages by its whole primary key per row read.
 */
export const notHiddenFor = (viewerId: string, chatId: string) =>
  sql`AND NOT EXISTS (SELECT 1 FROM hidden_messages h
        WHERE h.user_id = ${viewerId} AND h.chat_id = ${chatId} AND h.message_id = messages.id)`

export const updateMessage = (
  db: Executor,
  id: string,
  patch: {
    text: string | null
    editedAt?: Date
    deleted?: boolean
    imageIds?: string | null
    fileIds?: string | null
  },
) =>
  db
    .updateTable('messages')
    .set({
      text: patch.text,
      ...(patch.editedAt !== undefined && { edited_at: patch.editedAt }),
      ...(patch.deleted !== undefined && { deleted: patch.deleted ? 1 : 0 }),
      ...(patch.imageIds !== undefined && { image_ids: patch.imageIds }),
      ...(patch.fileIds !== undefined && { file_ids: patch.fileIds }),
    })
    .where('id', '=', id)
    .execute()

/**
 * Unread counts for a page of chats in one statement: per chat, others' live messages after its
 * read mark (system messages never count), counted up to `cap` so a huge backlog costs no more. Each branch is a range scan of
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
  const branches = chats.map((c) => unreadBranch(c, userId, cap))
  const r = await sql<{ chat_id: string; n: number | string }>`
    SELECT chat_id, COUNT(*) AS n FROM (${sql.join(branches, sql` UNION ALL `)}) AS unread
     GROUP BY chat_id`.execute(db)
  return new Map(r.rows.map((row) => [row.chat_id, Number(row.n)]))
}

/** One chat's branch of countUnreadMany: `chat_id` and `kind` 0 for each unread message. */
export const unreadBranch = (
  c: { chatId: string; afterId: string | null },
  userId: string,
  cap: number,
) => sql`(SELECT chat_id, 0 AS kind FROM messages FORCE INDEX (messages_chat)
       WHERE chat_id = ${c.chatId} ${c.afterId === null ? sql`` : sql`AND id > ${c.afterId}`}
         AND deleted = 0 AND sender_id <> ${userId} AND system_event IS NULL
         ${notHiddenFor(userId, c.chatId)}
       ORDER BY chat_id, id LIMIT ${cap})`

export const deleteChatMessages = (db: Executor, chatId: string) =>
  db.deleteFrom('messages').where('chat_id', '=', chatId).execute()

/**
 * The newest message of each chat that `viewerId` has not deleted for themselves, in one
 * statement: each branch walks the chat's (chat_id, id) index down from its newest row.
 */
export const lastVisibleMessages = async (
  db: Executor,
  viewerId: string,
  chatIds: readonly string[],
) => {
  if (chatIds.length === 0) return []
  const branches = chatIds.map(
    (chatId) => sql`(SELECT * FROM messages FORCE INDEX (messages_chat)
       WHERE chat_id = ${chatId} ${notHiddenFor(viewerId, chatId)}
       ORDER BY chat_id DESC, id DESC LIMIT 1)`,
  )
  const r = await sql<MessageRow>`${sql.join(branches, sql` UNION ALL `)}`.execute(db)
  return r.rows
}

export type SendOutcome =
  | { status: 'sent'; eventId: string; members: string[] }
  | { status: 'duplicate' }
  | { status: 'not_member' }
  | { status: 'closed' }

/**
 * A send: the message, the chat's activity and the event in one transaction and one round trip
 * (the send_message procedure); search postings follow from the event log. Answers the event id
 * and the members it is for; 'duplicate' when (sender, clientId) was stored already, 'not_member'
 * when the sender is not (or no longer) in the chat; 'closed' for a member's personal chat with a
 * deleted account, which takes no new messages (migration 2026_12_02_192000).
 */
export const sendMessageRow = async (
  db: Executor,
  m: Omit<
    MessageRow,
    'reply_to_id' | 'forwarded_from_id' | 'forwarded_sender_id' | 'file_ids' | 'system_event'
  > &
    Partial<Pick<MessageRow, 'reply_to_id' | 'file_ids'>>,
): Promise<SendOutcome> => {
  const r = await sql`CALL send_message(${m.id}, ${m.chat_id}, ${m.sender_id}, ${m.client_id},
    ${m.text}, ${m.image_ids}, ${m.created_at}, ${m.reply_to_id ?? null}, ${m.file_ids ?? null})`.execute(
    db,
  )
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
  if (row?.status === 'closed') return { status: 'closed' }
  throw new Error(`send_message answered ${JSON.stringify(row)}`)
}

/**
 * A system message ("Ann added Bob"), in the transaction of the change it tells of: the row and
 * the chat's activity. The caller records its `message.created` event in the same transaction.
 */
export const insertSystemMessage = async (
  trx: Executor,
  m: { id: string; chatId: string; senderId: string; event: string; createdAt: Date },
) => {
  await trx
    .insertInto('messages')
    .values({
      id: m.id,
      chat_id: m.chatId,
      sender_id: m.senderId,
      // Unique per sender with the id: a system message is never sent twice by a client.
      client_id: m.id,
      text: null,
      image_ids: null,
      created_at: m.createdAt,
      system_event: m.event,
    })
    .execute()
  await sql`UPDATE chats SET
      last_message_id = IF(last_message_id IS NULL OR last_message_id < ${m.id}, ${m.id}, last_message_id),
      updated_at = GREATEST(updated_at, ${m.createdAt})
    WHERE id = ${m.chatId}`.execute(trx)
}
