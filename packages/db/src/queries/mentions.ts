import { sql } from 'kysely'
import type { Executor } from './chats'
import { unreadBranch } from './messages'

/**
 * One chat's unread mentions of `userId`: `chat_id` and `kind` 1 for each mention after the read
 * mark, up to `cap`. A range of message_mentions' primary key (user_id, chat_id, message_id) from
 * the mark, with a key probe of hidden_messages per row; a deleted message's mentions are dropped
 * with it, so there is nothing else to check.
 */
const mentionBranch = (
  c: { chatId: string; afterId: string | null },
  userId: string,
  cap: number,
) => sql`(SELECT chat_id, 1 AS kind FROM message_mentions mm
       WHERE user_id = ${userId} AND chat_id = ${c.chatId}
         ${c.afterId === null ? sql`` : sql`AND message_id > ${c.afterId}`}
         AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = ${userId}
               AND h.chat_id = ${c.chatId} AND h.message_id = mm.message_id)
       ORDER BY user_id, chat_id, message_id LIMIT ${cap})`

/**
 * Unread messages and, apart, unread mentions of `userId` for a page of chats, in one statement
 * (countUnreadMany's branches beside mentionBranch's). Chats with none are absent from each map.
 */
export const countUnreadWithMentions = async (
  db: Executor,
  chats: readonly { chatId: string; afterId: string | null }[],
  userId: string,
  cap: number,
) => {
  const unread = new Map<string, number>()
  const mentions = new Map<string, number>()
  if (chats.length === 0) return { unread, mentions }
  const branches = chats.flatMap((c) => [
    unreadBranch(c, userId, cap),
    mentionBranch(c, userId, cap),
  ])
  const r = await sql<{ chat_id: string; kind: number | string; n: number | string }>`
    SELECT chat_id, kind, COUNT(*) AS n FROM (${sql.join(branches, sql` UNION ALL `)}) AS counted
     GROUP BY chat_id, kind`.execute(db)
  for (const row of r.rows) {
    const counts = Number(row.kind) === 1 ? mentions : unread
    counts.set(row.chat_id, Number(row.n))
  }
  return { unread, mentions }
}

/**
 * Stores a message's mentions again after its text changed (an edit; a delete drops them): the
 * same store_mentions procedure the send runs, in the caller's transaction.
 */
export const replaceMentions = async (
  trx: Executor,
  m: { id: string; chatId: string; senderId: string; text: string | null; hadMentions: boolean },
) => {
  if (m.hadMentions) {
    await trx.deleteFrom('message_mentions').where('message_id', '=', m.id).execute()
  }
  if (m.text?.includes('@')) {
    await sql`CALL store_mentions(${m.id}, ${m.chatId}, ${m.senderId}, ${m.text})`.execute(trx)
  }
}

/** Who a message mentions (its stored rows), for tests and tools. */
export const mentionedUserIds = async (db: Executor, messageId: string) =>
  (
    await db
      .selectFrom('message_mentions')
      .select('user_id')
      .where('message_id', '=', messageId)
      .orderBy('user_id')
      .execute()
  ).map((r) => r.user_id)
