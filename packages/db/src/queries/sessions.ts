import type { Db } from '../client'

export const createSession = async (
  db: Db,
  s: {
    id: string
    userId: string
    userAgent: string | null
    ip: string | null
    tokenHash: string
    expiresAt: Date
  },
) => {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({ id: s.id, user_id: s.userId, user_agent: s.userAgent, ip: s.ip })
      .execute()
    await trx
      .insertInto('refresh_tokens')
      .values({ token_hash: s.tokenHash, session_id: s.id, expires_at: s.expiresAt })
      .execute()
  })
}

export type RotateResult =
  | { status: 'rotated'; sessionId: string; userId: string }
  | { status: 'reused'; sessionId: string }
  | { status: 'invalid' }

/**
 * Spends a refresh token and stores its successor, atomically: the conditional UPDATE lets exactly
 * one of two concurrent refreshes win. A token that was already spent ends its whole session
 * (RFC 9700 §4.14.2).
 */
export const rotateRefreshToken = (
  db: Db,
  oldHash: string,
  next: { tokenHash: string; expiresAt: Date },
): Promise<RotateResult> =>
  db.transaction().execute(async (trx): Promise<RotateResult> => {
    const now = new Date()
    const token = await trx
      .selectFrom('refresh_tokens')
      .innerJoin('sessions', 'sessions.id', 'refresh_tokens.session_id')
      .select([
        'refresh_tokens.session_id',
        'refresh_tokens.used_at',
        'refresh_tokens.expires_at',
        'sessions.user_id',
        'sessions.revoked_at',
      ])
      .where('refresh_tokens.token_hash', '=', oldHash)
      .executeTakeFirst()
    if (!token || token.revoked_at !== null) return { status: 'invalid' }
    if (token.used_at !== null) {
      await trx
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('id', '=', token.session_id)
        .execute()
      return { status: 'reused', sessionId: token.session_id }
    }
    if (token.expires_at <= now) return { status: 'invalid' }
    const spent = await trx
      .updateTable('refresh_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', oldHash)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    if (spent.numUpdatedRows === 0n) {
      // Lost the race to a concurrent refresh: that is a second use of the same token.
      await trx
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('id', '=', token.session_id)
        .execute()
      return { status: 'reused', sessionId: token.session_id }
    }
    await trx
      .insertInto('refresh_tokens')
      .values({
        token_hash: next.tokenHash,
        session_id: token.session_id,
        expires_at: next.expiresAt,
      })
      .execute()
    await trx
      .updateTable('sessions')
      .set({ last_used_at: now })
      .where('id', '=', token.session_id)
      .execute()
    return { status: 'rotated', sessionId: token.session_id, userId: token.user_id }
  })

/** The session's user while it is active, for authenticating access tokens. */
export const findActiveSession = (db: Db, sessionId: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.user_id',
      'users.login',
      'users.first_name',
      'users.last_name',
      'users.avatar_id',
    ])
    .where('sessions.id', '=', sessionId)
    .where('sessions.revoked_at', 'is', null)
    .executeTakeFirst()

/** Which of these sessions are still active: one query for every stream an instance holds. */
export const filterActiveSessions = async (db: Db, sessionIds: readonly string[]) => {
  if (sessionIds.length === 0) return []
  const rows = await db
    .selectFrom('sessions')
    .select('id')
    .where('id', 'in', sessionIds)
    .where('revoked_at', 'is', null)
    .execute()
  return rows.map((r) => r.id)
}

export const listSessions = (db: Db, userId: string) =>
  db
    .selectFrom('sessions')
    .select(['id', 'created_at', 'last_used_at', 'user_agent', 'ip'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('last_used_at', 'desc')
    .execute()

/** Ends a session of this user; false when there is no such active session of theirs. */
export const revokeSession = async (db: Db, userId: string, sessionId: string) => {
  const r = await db
    .updateTable('sessions')
    .set({ revoked_at: new Date() })
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}

/** Ends every active session of this user except `keepId`; returns the ids it ended. */
export const revokeOtherSessions = async (db: Db, userId: string, keepId: string) =>
  db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', userId)
      .where('id', '!=', keepId)
      .where('revoked_at', 'is', null)
      .forUpdate()
      .execute()
    const ids = rows.map((r) => r.id)
    if (ids.length > 0) {
      await trx
        .updateTable('sessions')
        .set({ revoked_at: new Date() })
        .where('id', 'in', ids)
        .execute()
    }
    return ids
  })
