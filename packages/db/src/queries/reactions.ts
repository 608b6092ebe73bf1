import { sql, type Transaction } from 'kysely'
import type { Database } from '../database'
import type { Executor } from './chats'

/** How many different emoji a message carries now. */
export const reactionKinds = async (db: Executor, messageId: string) =>
  Number(
    (
      await db
        .selectFrom('message_reaction_counts')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('message_id', '=', messageId)
        .executeTakeFirst()
    )?.n ?? 0,
  )

/**
 * Sets or takes back one person's reaction. The primary key makes a second set (a double click,
 * a retried request, two tabs at once) change nothing; the count row is updated in the same
 * transaction and stays locked until COMMIT, so concurrent changes to one emoji serialize and each
 * answers the count as of its own place in the log. `changed` is false when nothing changed.
 */
export const setReaction = async (
  trx: Transaction<Database>,
  r: {
    messageId: string
    chatId: string
    userId: string
    emoji: string
    active: boolean
    now: Date
  },
) => {
  let changed: boolean
  if (r.active) {
    const ins = await sql`INSERT IGNORE INTO message_reactions
        (message_id, emoji, user_id, chat_id, created_at)
      VALUES (${r.messageId}, ${r.emoji}, ${r.userId}, ${r.chatId}, ${r.now})`.execute(trx)
    changed = (ins.numAffectedRows ?? 0n) > 0n
    if (changed) {
      await sql`INSERT INTO message_reaction_counts (message_id, emoji, count, first_at)
        VALUES (${r.messageId}, ${r.emoji}, 1, ${r.now})
        ON DUPLICATE KEY UPDATE count = count + 1`.execute(trx)
    }
  } else {
    const del = await trx
      .deleteFrom('message_reactions')
      .where('message_id', '=', r.messageId)
      .where('emoji', '=', r.emoji)
      .where('user_id', '=', r.userId)
      .executeTakeFirst()
    changed = del.numDeletedRows > 0n
    if (changed) {
      await sql`UPDATE message_reaction_counts SET count = count - 1
        WHERE message_id = ${r.messageId} AND emoji = ${r.emoji}`.execute(trx)
      await trx
        .deleteFrom('message_reaction_counts')
        .where('message_id', '=', r.messageId)
        .where('emoji', '=', r.emoji)
        .where('count', '=', 0)
        .execute()
    }
  }
  // A locking read: the current count, not the transaction's snapshot.
  const row = await sql<{ count: number }>`SELECT count FROM message_reaction_counts
    WHERE message_id = ${r.messageId} AND emoji = ${r.emoji} FOR UPDATE`.execute(trx)
  return { changed, count: row.rows[0]?.count ?? 0 }
}

export interface ReactionCount {
  messageId: string
  emoji: string
  count: number
  mine: boolean
}

/**
 * The reactions of a page of messages in one query: the kept counts (one row per message and
 * emoji) and whether the caller is among them, oldest emoji first, as they appeared. The caller's
 * own reactions are probed in message_reactions_user (user_id, message_id, then the key's emoji):
 * one person's reactions sit side by side there, so a page's probes read the same few pages,
 * where the primary key would send each into its message's run of a thousand other people's.
 */
export const reactionsOfMessages = async (
  db: Executor,
  messageIds: readonly string[],
  userId: string,
): Promise<ReactionCount[]> => {
  if (messageIds.length === 0) return []
  const r = await sql<{
    message_id: string
    emoji: string
    count: number
    user_id: string | null
  }>`SELECT c.message_id, c.emoji, c.count, r.user_id FROM message_reaction_counts c
      LEFT JOIN message_reactions r FORCE INDEX (message_reactions_user)
        ON r.user_id = ${userId} AND r.message_id = c.message_id AND r.emoji = c.emoji
     WHERE c.message_id IN (${sql.join([...new Set(messageIds)])})
     ORDER BY c.message_id, c.first_at, c.emoji`.execute(db)
  return r.rows.map((row) => ({
    messageId: row.message_id,
    emoji: row.emoji,
    count: row.count,
    mine: row.user_id !== null,
  }))
}

export interface ReactorCursor {
  at: Date
  userId: string
}

/** Who reacted to a message with an emoji, earliest first, keyset-paged on (created_at, user_id). */
export const listReactors = (
  db: Executor,
  messageId: string,
  emoji: string,
  cursor: ReactorCursor | null,
  limit: number,
) =>
  db
    .selectFrom('message_reactions as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select([
      'r.created_at',
      'u.id',
      'u.login',
      'u.first_name',
      'u.last_name',
      'u.deleted_at',
      'u.avatar_id',
    ])
    .where('r.message_id', '=', messageId)
    .where('r.emoji', '=', emoji)
    .$if(cursor !== null, (q) =>
      q.where((eb) =>
        eb.or([
          eb('r.created_at', '>', cursor!.at),
          eb.and([eb('r.created_at', '=', cursor!.at), eb('r.user_id', '>', cursor!.userId)]),
        ]),
      ),
    )
    .orderBy('r.created_at')
    .orderBy('r.user_id')
    .limit(limit)
    .execute()
