import { sql } from 'kysely'
import type { Executor } from './chats'

export interface PinCursor {
  pinnedAt: Date
  messageId: string
}

/** Pins a message of its chat; false when it was pinned already. */
export const insertPin = async (
  db: Executor,
  p: { chatId: string; messageId: string; userId: string; now: Date },
) => {
  const r = await sql`INSERT IGNORE INTO pinned_messages (chat_id, message_id, pinned_by, pinned_at)
    VALUES (${p.chatId}, ${p.messageId}, ${p.userId}, ${p.now})`.execute(db)
  return (r.numAffectedRows ?? 0n) > 0n
}

/** Unpins a message; false when it was not pinned. */
export const deletePin = async (db: Executor, chatId: string, messageId: string) => {
  const r = await db
    .deleteFrom('pinned_messages')
    .where('chat_id', '=', chatId)
    .where('message_id', '=', messageId)
    .executeTakeFirst()
  return r.numDeletedRows > 0n
}

/**
 * A chat's pinned messages, the latest pinned first, keyset-paged on (pinned_at, message_id).
 * A message deleted since it was pinned is no longer listed.
 */
export const listPins = (db: Executor, chatId: string, cursor: PinCursor | null, limit: number) =>
  db
    .selectFrom('pinned_messages')
    .innerJoin('messages', 'messages.id', 'pinned_messages.message_id')
    .select([
      'pinned_messages.message_id',
      'pinned_messages.pinned_by',
      'pinned_messages.pinned_at',
    ])
    .where('pinned_messages.chat_id', '=', chatId)
    .where('messages.deleted', '=', 0)
    .$if(cursor !== null, (q) =>
      q.where(
        sql<boolean>`(pinned_messages.pinned_at, pinned_messages.message_id) < (${cursor!.pinnedAt}, ${cursor!.messageId})`,
      ),
    )
    .orderBy('pinned_messages.pinned_at', 'desc')
    .orderBy('pinned_messages.message_id', 'desc')
    .limit(limit)
    .execute()
