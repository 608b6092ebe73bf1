import { sql } from 'kysely'
import type { Executor } from './chats'

/** At most this many people hear of one read mark moving in a group. */
export const MAX_SEEN_RECIPIENTS = 100

/**
 * Who is told that `readerId` read `chatId` up to `messageId`: the other person of a personal
 * chat; in a group, the members who sent any of the last 100 messages up to the mark (the ones
 * whose "seen by" may have changed), never everybody — a 1,000-member group reading a message
 * would otherwise be a million events.
 */
export const seenRecipients = async (
  db: Executor,
  chatId: string,
  readerId: string,
  messageId: string,
) =>
  (
    await sql<{ user_id: string }>`SELECT DISTINCT r.user_id FROM (
      (SELECT m.user_id FROM chats c JOIN chat_members m ON m.chat_id = c.id
        WHERE c.id = ${chatId} AND c.is_direct = 1 AND m.user_id <> ${readerId})
      UNION ALL
      (SELECT s.sender_id AS user_id FROM (
          SELECT sender_id FROM messages WHERE chat_id = ${chatId} AND id <= ${messageId}
          ORDER BY id DESC LIMIT 100) s
        JOIN chat_members cm ON cm.chat_id = ${chatId} AND cm.user_id = s.sender_id
        WHERE s.sender_id <> ${readerId})
    ) r LIMIT ${MAX_SEEN_RECIPIENTS}`.execute(db)
  ).rows.map((r) => r.user_id)

/**
 * How many members other than `viewerId` have read each of `messageIds`: two ranges of the index
 * (chat_id, last_read_message_id, user_id). Read marks within the span of the messages, grouped by
 * mark, and everyone at or past the newest of them as one count, so the answer has at most as
 * many rows as the span has messages, however many members have read past it.
 */
export const seenCounts = async (
  db: Executor,
  chatId: string,
  viewerId: string,
  messageIds: readonly string[],
) => {
  const out = new Map<string, number>()
  if (messageIds.length === 0) return out
  const sorted = [...messageIds].sort()
  const oldest = sorted[0]!
  const newest = sorted.at(-1)!
  // The second row's mark is null: at or past every one of the messages.
  const r = await sql<{ mark: string | null; n: number | string }>`
    (SELECT last_read_message_id AS mark, COUNT(*) AS n FROM chat_members
      WHERE chat_id = ${chatId} AND last_read_message_id >= ${oldest}
        AND last_read_message_id < ${newest} AND user_id <> ${viewerId}
      GROUP BY last_read_message_id)
    UNION ALL
    (SELECT NULL, COUNT(*) FROM chat_members
      WHERE chat_id = ${chatId} AND last_read_message_id >= ${newest} AND user_id <> ${viewerId})`.execute(
    db,
  )
  for (const id of messageIds) {
    out.set(
      id,
      r.rows.reduce((sum, m) => sum + (m.mark === null || m.mark >= id ? Number(m.n) : 0), 0),
    )
  }
  return out
}

export interface SeenCursor {
  mark: string
  userId: string
}

/** Members other than `excludeId` who have read `messageId`, keyset-paged on (mark, user id). */
export const listSeenBy = (
  db: Executor,
  chatId: string,
  messageId: string,
  excludeId: string,
  cursor: SeenCursor | null,
  limit: number,
) =>
  db
    .selectFrom('chat_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'm.last_read_message_id as mark',
      'u.id',
      'u.login',
      'u.first_name',
      'u.last_name',
      'u.deleted_at',
      'u.avatar_id',
    ])
    .where('m.chat_id', '=', chatId)
    .where('m.last_read_message_id', '>=', messageId)
    .where('m.user_id', '<>', excludeId)
    .$if(cursor !== null, (q) =>
      q.where((eb) =>
        eb.or([
          eb('m.last_read_message_id', '>', cursor!.mark),
          eb.and([
            eb('m.last_read_message_id', '=', cursor!.mark),
            eb('m.user_id', '>', cursor!.userId),
          ]),
        ]),
      ),
    )
    .orderBy('m.last_read_message_id')
    .orderBy('m.user_id')
    .limit(limit)
    .execute()
