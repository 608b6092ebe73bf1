import { TRPCError } from '@trpc/server'
import {
  clearLoginFailures,
  countLoginFailures,
  findUserIdByLoginOrEmail,
  recordLoginFailure,
} from '@messenger/db'
import type { Context } from '../context'

export const MAX_FAILURES = 10
export const WINDOW_MS = 15 * 60 * 1000

export interface ThrottleScopes {
  account: string
  address: string
}

/**
 * One account counts as one however it is named (login or email, any case), so switching between
 * them does not double the guesses; names that match no user count by name.
 */
export const throttleScopes = async (ctx: Context, login: string): Promise<ThrottleScopes> => {
  const userId = await findUserIdByLoginOrEmail(ctx.db, login)
  return {
    account: userId === undefined ? `login:${login.toLowerCase()}` : `user:${userId}`,
    address: `ip:${ctx.clientIp}`,
  }
}

/**
 * Too many failed logins for this account or from this address in the window: TOO_MANY_REQUESTS,
 * with Retry-After saying when the oldest failure leaves the window.
 */
export const assertNotThrottled = async (ctx: Context, scopes: ThrottleScopes) => {
  const now = Date.now()
  const counts = await countLoginFailures(
    ctx.db,
    [scopes.account, scopes.address],
    new Date(now - WINDOW_MS),
  )
  const over = counts.filter((c) => c.failures >= MAX_FAILURES)
  if (over.length === 0) return
  const retryAt = Math.max(...over.map((c) => c.oldest.getTime() + WINDOW_MS))
  const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000))
  ctx.resHeaders.set('Retry-After', String(seconds))
  throw new TRPCError({
    code: 'TOO_MANY_REQUESTS',
    message: `Too many failed sign-in attempts. Try again in ${Math.ceil(seconds / 60)} minute(s).`,
  })
}

export const recordFailure = (ctx: Context, scopes: ThrottleScopes) =>
  recordLoginFailure(ctx.db, [scopes.account, scopes.address])

export const clearAccountFailures = (ctx: Context, scopes: ThrottleScopes) =>
  clearLoginFailures(ctx.db, scopes.account)
