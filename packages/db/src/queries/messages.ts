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
  | { status: 'sent'; eventId: string; members: MemberIds }
  | { status: 'duplicate' }
  | { status: 'not_member' }
  | { status: 'closed' }

/** A chat's member ids as of its `chat_member_versions` version. */
export interface MemberIds {
  version: number
  ids: readonly string[]
}

export type SendRow = Omit<
  MessageRow,
  'reply_to_id' | 'forwarded_from_id' | 'forwarded_sender_id' | 'file_ids' | 'system_event'
> &
  Partial<Pick<MessageRow, 'reply_to_id' | 'file_ids'>> & {
    /** The chat's members as the caller knows them: not read again while still current. */
    knownMembers?: MemberIds
  }

/** Sends per `send_messages` call: bounds the JSON (4,000 characters of text each) to ~1 MB. */
export const MAX_SEND_BATCH = 64

/** '2026-12-03 06:00:00.123': the DATETIME(3) text JSON_TABLE reads, in UTC like the sessions. */
const datetime = (d: Date) => d.toISOString().slice(0, 23).replace('T', ' ')

/**
 * Sends: each message, its chat's activity and its event, all in one transaction and one round
 * trip (the send_messages procedure, migration 2026_12_03_060000); search postings follow from
 * the event log. Answers each row's outcome in order: the event id and the members it is for;
 * 'duplicate' when (sender, clientId) was stored already (or earlier in the batch), 'not_member'
 * when the sender is not (or no longer) in the chat; 'closed' for a member's personal chat with a
 * deleted account, which takes no new messages (migration 2026_12_02_192000). A refused message
 * leaves no trace and does not hold the others back.
 */
export const sendMessageRows = async (
  db: Executor,
  rows: readonly SendRow[],
): Promise<SendOutcome[]> => {
  if (rows.length === 0) return []
  if (rows.length > MAX_SEND_BATCH) {
    throw new Error(`sendMessageRows takes at most ${MAX_SEND_BATCH} rows (got ${rows.length})`)
  }
  // By chat, so that concurrent batches take the chats' locks in one order.
  const order = rows.map((_, i) => i).sort((a, b) => compare(rows[a]!.chat_id, rows[b]!.chat_id))
  const batch = order.map((i) => {
    const m = rows[i]!
    return {
      id: m.id,
      chatId: m.chat_id,
      senderId: m.sender_id,
      clientId: m.client_id,
      // JSON_TABLE refuses a lone surrogate (the whole batch would fail); as a parameter, mysql2
      // stored it as U+FFFD, and so does this.
      text: m.text?.toWellFormed() ?? null,
      imageIds: m.image_ids,
      fileIds: m.file_ids ?? null,
      createdAt: datetime(m.created_at),
      replyToId: m.reply_to_id ?? null,
      knownVersion: m.knownMembers?.version ?? null,
      knownMember: m.knownMembers?.ids.includes(m.sender_id) ? 1 : 0,
    }
  })
  const r = await sql`CALL send_messages(${JSON.stringify(batch)})`.execute(db)
  // CALL answers [resultSet, okPacket]; one row holds the outcomes.
  const row = (
    r.rows as unknown as { results: string; first_event_id: number | string | null }[][]
  )[0]?.[0]
  const results = row
    ? (JSON.parse(row.results) as {
        id: string
        status: string
        // Numbers of the procedure's variables come as JSON strings.
        n: number | string | null
        version: number | string | null
        members: string | null
      }[])
    : []
  if (results.length !== rows.length) {
    throw new Error(`send_messages answered ${results.length} outcomes for ${rows.length} messages`)
  }
  const outcomes: SendOutcome[] = new Array<SendOutcome>(rows.length)
  results.forEach((res, k) => {
    const m = rows[order[k]!]!
    if (res.id !== m.id) throw new Error(`send_messages answered ${res.id} in place of ${m.id}`)
    if (
      res.status === 'sent' &&
      res.n !== null &&
      res.version !== null &&
      row?.first_event_id != null
    ) {
      const version = Number(res.version)
      // Members come only when they are not the caller's known list.
      const members =
        res.members !== null
          ? { version, ids: res.members.split(',') }
          : m.knownMembers?.version === version
            ? m.knownMembers
            : null
      if (!members) throw new Error(`send_messages gave no members for ${m.id}`)
      outcomes[order[k]!] = {
        status: 'sent',
        eventId: String(BigInt(row.first_event_id) + BigInt(res.n) - 1n),
        members,
      }
    } else if (
      res.status === 'duplicate' ||
      res.status === 'not_member' ||
      res.status === 'closed'
    ) {
      outcomes[order[k]!] = { status: res.status }
    } else {
      throw new Error(`send_messages answered ${JSON.stringify(res)}`)
    }
  })
  return outcomes
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** One send (sendMessageRows with a single row). */
export const sendMessageRow = async (db: Executor, m: SendRow): Promise<SendOutcome> =>
  (await sendMessageRows(db, [m]))[0]!

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
