import type { Executor } from './chats'

/** The id of the user with this login (in any case), for a search's `from:` filter. */
export const findUserIdByLogin = async (db: Executor, login: string) =>
  (await db.selectFrom('users').select('id').where('login', '=', login).executeTakeFirst())?.id

/**
 * The caller's chat that a search's `in:` filter names: a chat titled so (in any case), or a
 * personal chat with the user of that login; the most recently active when several match.
 */
export const findChatOfUserByName = async (db: Executor, userId: string, name: string) =>
  (
    await db
      .selectFrom('chat_members as me')
      .innerJoin('chats as c', 'c.id', 'me.chat_id')
      .select('c.id')
      .where('me.user_id', '=', userId)
      .where((eb) =>
        eb.or([
          eb('c.title', '=', name),
          eb.and([
            eb('c.is_direct', '=', 1),
            eb.exists(
              eb
                .selectFrom('chat_members as o')
                .innerJoin('users as u', 'u.id', 'o.user_id')
                .select('o.user_id')
                .whereRef('o.chat_id', '=', 'c.id')
                .where('o.user_id', '!=', userId)
                .where('u.login', '=', name),
            ),
          ]),
        ]),
      )
      .orderBy('c.updated_at', 'desc')
      .limit(1)
      .executeTakeFirst()
  )?.id
