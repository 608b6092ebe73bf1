import { TRPCError } from '@trpc/server'
import {
  changePassword as changePasswordRow,
  checkLogin,
  createSession,
  findUserById,
  listSessions,
  registerUser,
  revokeOtherSessions,
  revokeSession,
  rotateRefreshToken,
} from '@messenger/db'
import type {
  AuthResult,
  LoginAnswer,
  RegisterInput,
  SecondFactor,
  Session,
  User,
} from '@messenger/shared'
import type { AuthUser, Context } from '../context'
import { newId } from '../ids'
import { toUser } from '../mappers'
import { reserveAttempt, throttleScopes, userScopes } from './throttle'
import { signChallenge, verifyChallenge } from './totp'
import { checkSecondFactorThrottled, totpEnabled } from './two-factor'
import {
  hashRefreshToken,
  newRefreshToken,
  REFRESH_TOKEN_TTL_SECONDS,
  signAccessToken,
} from './tokens'

const BAD_CREDENTIALS = 'Wrong login or password'

export const register = async (ctx: Context, input: RegisterInput): Promise<{ user: User }> => {
  const id = newId()
  const secret = await ctx.hashPassword(input.passwordHash)
  const taken = await registerUser(ctx.db, { ...input, id, secret })
  if (taken) {
    throw new TRPCError({
      code: 'CONFLICT',
      message:
        taken === 'login' ? 'This login is already taken' : 'This email is already registered',
      cause: { field: taken },
    })
  }
  return { user: toUser((await findUserById(ctx.db, id))!, ctx.config.jwtSecret) }
}

/** The pair for a session; `refresh.expiresAt` is the expiry stored with it, so the client sees the same. */
const issueTokens = async (
  ctx: Context,
  userId: string,
  sessionId: string,
  refresh: { token: string; expiresAt: Date },
) => {
  const access = await signAccessToken(ctx.config.jwtSecret, { userId, sessionId })
  const user = await findUserById(ctx.db, userId)
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: BAD_CREDENTIALS })
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    refreshToken: refresh.token,
    refreshTokenExpiresAt: refresh.expiresAt.toISOString(),
    user: toUser(user, ctx.config.jwtSecret),
  }
}

const refreshExpiry = () => new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000)

/**
 * The password, then — for an account with two-factor login on — `{ totpRequired, challenge }`
 * instead of tokens: `loginTotp` takes the challenge and a code.
 */
export const login = async (
  ctx: Context,
  input: { login: string; passwordHash: string },
): Promise<LoginAnswer> => {
  const scopes = await throttleScopes(ctx, input.login)
  const attempt = await reserveAttempt(ctx, scopes)
  let found: Awaited<ReturnType<typeof checkLogin>>
  try {
    // The slow hash runs for unknown logins too, so timing does not tell which logins exist.
    found = await checkLogin(ctx.db, input.login, await ctx.hashPassword(input.passwordHash))
  } catch (e) {
    await attempt.released().catch(() => undefined)
    throw e
  }
  // A wrong password keeps the reserved attempt as a failure.
  if (!found?.matches) throw new TRPCError({ code: 'UNAUTHORIZED', message: BAD_CREDENTIALS })
  if (await totpEnabled(ctx, found.userId)) {
    // Not a success yet: the account's failures stay until a code is right, so knowing the
    // password does not reset the budget for guessing codes.
    await attempt.released()
    return {
      totpRequired: true,
      challenge: await signChallenge(ctx.config.jwtSecret, found.userId),
    }
  }
  await attempt.succeeded()
  return startSession(ctx, found.userId)
}

/** The second step of a login with two-factor on: the challenge and a code or a recovery code. */
export const loginTotp = async (
  ctx: Context,
  input: SecondFactor & { challenge: string },
): Promise<AuthResult> => {
  const userId = await verifyChallenge(ctx.config.jwtSecret, input.challenge)
  if (userId === null) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'challenge: expired or not valid; sign in with your password again',
    })
  }
  if (!(await checkSecondFactorThrottled(ctx, userId, input))) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message:
        input.code !== undefined
          ? 'code: wrong code, or one used already'
          : 'recoveryCode: not one of your unused recovery codes',
    })
  }
  return startSession(ctx, userId)
}

const startSession = async (ctx: Context, userId: string): Promise<AuthResult> => {
  const sessionId = newId()
  const refresh = newRefreshToken()
  const expiresAt = refreshExpiry()
  await createSession(ctx.db, {
    id: sessionId,
    userId,
    userAgent: ctx.userAgent?.slice(0, 512) ?? null,
    ip: ctx.clientIp.slice(0, 64),
    tokenHash: refresh.hash,
    expiresAt,
  })
  return issueTokens(ctx, userId, sessionId, { token: refresh.token, expiresAt })
}

/**
 * A new password in place of the current one (both hashed by the client as at login), salted anew
 * in the database; every other session of the user ends, this one goes on. Wrong current
 * passwords count against the login throttle.
 */
export const changePassword = async (
  ctx: Context & { user: AuthUser },
  input: { currentPasswordHash: string; newPasswordHash: string },
) => {
  const attempt = await reserveAttempt(ctx, userScopes(ctx, ctx.user.id))
  let changed: boolean
  try {
    const current = await ctx.hashPassword(input.currentPasswordHash)
    const next = await ctx.hashPassword(input.newPasswordHash)
    changed = await changePasswordRow(ctx.db, ctx.user.id, current, next)
  } catch (e) {
    await attempt.released().catch(() => undefined)
    throw e
  }
  if (!changed) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'currentPasswordHash: the current password is wrong',
    })
  }
  await attempt.succeeded()
  const ended = await revokeOtherSessions(ctx.db, ctx.user.id, ctx.user.sessionId)
  if (ended.length > 0) await ctx.sessions.ended(ended)
  return { ok: true as const, ended: ended.length }
}

export const refresh = async (ctx: Context, refreshToken: string): Promise<AuthResult> => {
  const next = newRefreshToken()
  const expiresAt = refreshExpiry()
  const result = await rotateRefreshToken(ctx.db, hashRefreshToken(refreshToken), {
    tokenHash: next.hash,
    expiresAt,
  })
  if (result.status === 'reused') {
    await ctx.sessions.ended([result.sessionId])
    ctx.log.warn({ sessionId: result.sessionId }, 'refresh token reused: session ended')
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'This refresh token was already used; the session has been ended. Sign in again.',
    })
  }
  if (result.status === 'invalid') {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Session expired. Sign in again.' })
  }
  return issueTokens(ctx, result.userId, result.sessionId, { token: next.token, expiresAt })
}

export const logout = async (ctx: Context & { user: AuthUser }) => {
  await revokeSession(ctx.db, ctx.user.id, ctx.user.sessionId)
  await ctx.sessions.ended([ctx.user.sessionId])
  return { ok: true as const }
}

export const sessions = async (
  ctx: Context & { user: AuthUser },
): Promise<{ items: Session[] }> => {
  const rows = await listSessions(ctx.db, ctx.user.id)
  return {
    items: rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at.toISOString(),
      lastUsedAt: r.last_used_at.toISOString(),
      userAgent: r.user_agent,
      address: r.ip,
      current: r.id === ctx.user.sessionId,
    })),
  }
}

export const revokeOwnSession = async (ctx: Context & { user: AuthUser }, sessionId: string) => {
  // Another user's session id looks exactly like an unknown one: no hint that it exists.
  if (!(await revokeSession(ctx.db, ctx.user.id, sessionId))) {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'No such session' })
  }
  await ctx.sessions.ended([sessionId])
  return { ok: true as const }
}

/** Ends all of the caller's sessions but the one asking ("sign out everywhere else"). */
export const revokeOthers = async (ctx: Context & { user: AuthUser }) => {
  const ended = await revokeOtherSessions(ctx.db, ctx.user.id, ctx.user.sessionId)
  if (ended.length > 0) await ctx.sessions.ended(ended)
  return { ok: true as const, ended: ended.length }
}
