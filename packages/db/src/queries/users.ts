import { sql } from 'kysely'
import type { Db } from '../client'
import type { UserRow } from '../database'

export interface NewUser {
  id: string
  login: string
  email: string
  firstName: string
  lastName: string
  /** The server's peppered hash of the client's password hash; salted and hashed in the database. */
  secret: string
}

/** Which unique field an insert collided on, or null when it went in. */
export const registerUser = async (db: Db, u: NewUser): Promise<'login' | 'email' | null> => {
  try {
    await sql`CALL register_user(${u.id}, ${u.login}, ${u.email}, ${u.firstName}, ${u.lastName}, ${u.secret})`.execute(
      db,
    )
    return null
  } catch (e) {
    if (isDuplicateKey(e)) return /users_email/.test(String(e)) ? 'email' : 'login'
    throw e
  }
}

export const isDuplicateKey = (e: unknown) =>
  typeof e === 'object' && e !== null && 'code' in e && e.code === 'ER_DUP_ENTRY'

/** The user id for a login or email, and whether the secret matches; null for an unknown login. */
export const checkLogin = async (
  db: Db,
  login: string,
  secret: string,
): Promise<{ userId: string; matches: boolean } | null> => {
  const result = await sql<{
    user_id: string
    matches: number | string
  }>`CALL check_login(${login}, ${secret})`.execute(db)
  // CALL answers [resultSet, okPacket]; Kysely hands the first result set back as rows[0].
  const rows = result.rows as unknown as
    { user_id: string; matches: number | string }[][] | undefined
  const row = rows?.[0]?.[0]
  return row ? { userId: row.user_id, matches: Number(row.matches) === 1 } : null
}

/** The id of the user with this login or email (either, in any case); for per-account limits. */
export const findUserIdByLoginOrEmail = async (db: Db, login: string) =>
  (
    await db
      .selectFrom('users')
      .select('id')
      .where((eb) => eb.or([eb('login', '=', login), eb('email', '=', login)]))
      .limit(1)
      .executeTakeFirst()
  )?.id

const userColumns = [
  'id',
  'login',
  'email',
  'first_name',
  'last_name',
  'created_at',
  'avatar_id',
] as const
export type UserRecord = Pick<UserRow, (typeof userColumns)[number]>
/** `avatar_id` is absent where a query has no business showing the photo (user search). */
export type PublicUserRecord = Pick<
  UserRow,
  'id' | 'login' | 'first_name' | 'last_name' | 'deleted_at'
> &
  Partial<Pick<UserRow, 'avatar_id'>>

export const findUserById = (db: Db, id: string): Promise<UserRecord | undefined> =>
  db.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst()

export const findPublicUsers = async (db: Db, ids: readonly string[]) =>
  ids.length === 0
    ? []
    : db
        .selectFrom('users')
        .select(['id', 'login', 'first_name', 'last_name', 'deleted_at', 'avatar_id'])
        .where('id', 'in', [...new Set(ids)])
        .execute()

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/**
 * Prefix match on login, first or last name; each branch of the union uses its own index.
 * Deleted accounts are never found.
 */
export const searchUsers = async (db: Db, query: string, limit: number) => {
  const prefix = `${escapeLike(query)}%`
  const branch = (column: 'login' | 'first_name' | 'last_name') =>
    sql`(SELECT id, login, first_name, last_name, deleted_at, avatar_id FROM users WHERE ${sql.ref(column)} LIKE ${prefix} AND deleted_at IS NULL ORDER BY ${sql.ref(column)} LIMIT ${limit})`
  const result = await sql<PublicUserRecord>`
    SELECT * FROM (${branch('login')} UNION ${branch('first_name')} UNION ${branch('last_name')}) AS matches
    ORDER BY login LIMIT ${limit}`.execute(db)
  return result.rows
}

export const updateUserNames = (
  db: Db,
  id: string,
  names: { firstName?: string | undefined; lastName?: string | undefined },
) =>
  db
    .updateTable('users')
    .set({
      ...(names.firstName !== undefined && { first_name: names.firstName }),
      ...(names.lastName !== undefined && { last_name: names.lastName }),
    })
    .where('id', '=', id)
    .execute()

/** Which of `ids` share a chat with `userId` (they may see each other's photos). */
export const usersSharingAChat = async (db: Db, userId: string, ids: readonly string[]) => {
  if (ids.length === 0) return new Set<string>()
  const rows = await db
    .selectFrom('chat_members as mine')
    .innerJoin('chat_members as theirs', 'theirs.chat_id', 'mine.chat_id')
    .select('theirs.user_id')
    .distinct()
    .where('mine.user_id', '=', userId)
    .where('theirs.user_id', 'in', [...ids])
    .execute()
  return new Set(rows.map((r) => r.user_id))
}
