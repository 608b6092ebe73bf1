import { TRPCError } from '@trpc/server'
import {
  findUserIdByLoginOrEmail,
  pruneLoginThrottle,
  releaseLoginAttempt,
  reserveLoginAttempt,
  type Db,
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
    // The scope column holds 300 characters; no real address comes near.
    address: `ip:${ctx.clientIp.slice(0, 256)}`,
  }
}

/**
 * The scopes of a signed-in user's guesses (the current password, a TOTP or recovery code): the
 * same account scope login uses, so guesses here and at login share one budget.
 */
export const userScopes = (ctx: Context, userId: string): ThrottleScopes => ({
  account: `user:${userId}`,
  address: `ip:${ctx.clientIp.slice(0, 256)}`,
})

/** An attempt counted as a failure until `succeeded` or `released` says otherwise. */
export interface LoginAttempt {
  /** The password was right: the attempt does not count, and the account's failures are cleared. */
  succeeded: () => Promise<void>
  /** The check never finished (an unexpected error): the attempt does not count. */
  released: () => Promise<void>
}

/**
 * Counts an attempt against the account and the address before the slow hash runs, so parallel
 * guesses cannot all pass the check before any failure is recorded. Over the limit:
 * TOO_MANY_REQUESTS, with Retry-After saying when the oldest failure leaves the window.
 */
export const reserveAttempt = async (
  ctx: Context,
  scopes: ThrottleScopes,
): Promise<LoginAttempt> => {
  const scopeNames = [scopes.account, scopes.address]
  const reservation = await reserveLoginAttempt(ctx.db, scopeNames, {
    max: MAX_FAILURES,
    windowMs: WINDOW_MS,
  })
  if (!reservation.reserved) {
    const seconds = Math.max(1, Math.ceil((reservation.retryAt.getTime() - Date.now()) / 1000))
    ctx.resHeaders.set('Retry-After', String(seconds))
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `Too many failed sign-in attempts. Try again in ${Math.ceil(seconds / 60)} minute(s).`,
    })
  }
  return {
    succeeded: () => releaseLoginAttempt(ctx.db, scopeNames, reservation.ids, scopes.account),
    released: () => releaseLoginAttempt(ctx.db, scopeNames, reservation.ids),
  }
}

/**
 * Failures that left the window and scopes with none left, so the throttle's tables hold the last
 * window's attempts, not every address and name ever tried. Run by each instance's sweeper.
 */
export const pruneThrottle = (db: Db, now = new Date()) =>
  pruneLoginThrottle(db, new Date(now.getTime() - WINDOW_MS), 1000)
