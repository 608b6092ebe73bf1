import type { Transaction } from 'kysely'
import type { Database } from '../database'

/**
 * Sets the user's photo (null removes it), under a lock on their row; answers the one it replaced
 * and every chat they are in, to announce it there.
 */
export const setUserAvatar = async (
  trx: Transaction<Database>,
  userId: string,
  avatarId: string | null,
): Promise<{ previous: string | null; chatIds: string[] } | null> => {
  const row = await trx
    .selectFrom('users')
    .select('avatar_id')
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst()
  if (!row) return null
  await trx.updateTable('users').set({ avatar_id: avatarId }).where('id', '=', userId).execute()
  const chats = await trx
    .selectFrom('chat_members')
    .select('chat_id')
    .where('user_id', '=', userId)
    .execute()
  return { previous: row.avatar_id, chatIds: chats.map((c) => c.chat_id) }
}

/** Sets a chat's photo (null removes it); the caller holds the chat's lock (lockChat). */
export const setChatAvatar = async (
  trx: Transaction<Database>,
  chatId: string,
  avatarId: string | null,
): Promise<void> => {
  await trx.updateTable('chats').set({ avatar_id: avatarId }).where('id', '=', chatId).execute()
}
