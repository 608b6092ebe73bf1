import { sql } from 'kysely'
import type { NewMessageRow } from '../database'
import type { Executor } from './chats'

/** Hides a message for one person; false when it was hidden for them already. */
export const hideMessageFor = async (
  db: Executor,
  h: { userId: string; chatId: string; messageId: string; now: Date },
) => {
  const r = await sql`INSERT IGNORE INTO hidden_messages (user_id, chat_id, message_id, hidden_at)
    VALUES (${h.userId}, ${h.chatId}, ${h.messageId}, ${h.now})`.execute(db)
  return (r.numAffectedRows ?? 0n) > 0n
}

/**
 * A forwarded message: the row and its chat's activity (as send_message moves it). Throws the
 * duplicate-key error when (sender, clientId) was used already. Mentions in it are not stored:
 * they are the original author's words, not addressed by whoever forwards them.
 */
export const insertForwardedMessage = async (db: Executor, m: NewMessageRow) => {
  await db.insertInto('messages').values(m).execute()
  await sql`UPDATE chats SET
      last_message_id = IF(last_message_id IS NULL OR last_message_id < ${m.id}, ${m.id}, last_message_id),
      updated_at = GREATEST(updated_at, ${m.created_at})
    WHERE id = ${m.chat_id}`.execute(db)
}
