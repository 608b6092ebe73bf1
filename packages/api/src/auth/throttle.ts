import { TRPCError } from '@trpc/server'
import { clearLoginFailures, countLoginFailures, recordLoginFailure } from '@messenger/db'
import type { Context } from '../context'

export const MAX_FAILURES = 10
export const WINDOW_MS = 15 * 60 * 1000

const scopesFor = (ctx: Context, login: string) => ({
  account: `login:${login.toLowerCase()}`,
  address: `ip:${ctx.clientIp}`,
})

/**
 * Too many failed logins for this account or from this address in the window: TOO_MANY_REQUESTS,
 * with Retry-After saying when the oldest failure leaves the window.
 */
export const assertNotThrottled = async (ctx: Context, login: string) => {
  const { account, address } = scopesFor(ctx, login)
  const now = Date.now()
  const counts = await countLoginFailures(ctx.db, [account, address], new Date(now - WINDOW_MS))
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

export const recordFailure = (ctx: Context, login: string) => {
  const { account, address } = scopesFor(ctx, login)
  return recordLoginFailure(ctx.db, [account, address])
}

export const clearAccountFailures = (ctx: Context, login: string) =>
  clearLoginFailures(ctx.db, scopesFor(ctx, login).account)
