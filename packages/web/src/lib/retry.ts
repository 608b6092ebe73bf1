import { retryLink, type TRPCLink } from '@trpc/client'
import type { AppRouter } from '@messenger/api/router'

/** Attempts in all, the first included, before an overloaded server's 503 reaches the caller. */
export const OVERLOAD_ATTEMPTS = 5

/** 1, 2, 4, 8 s… (at most 16 s), each scaled by a random 0.5–1.5 so clients do not return in step. */
export const backoffMs = (attempt: number, base = 1000, random = Math.random) =>
  Math.min(16, 2 ** (attempt - 1)) * base * (0.5 + random())

/**
 * Retries calls an overloaded server refused with 503 SERVICE_UNAVAILABLE. The server refuses
 * before it does anything, so any call may be repeated; a send keeps its input and so its
 * `clientId`, and is stored once however often it is retried.
 */
export const overloadRetryLink = (base = 1000): TRPCLink<AppRouter> =>
  retryLink({
    retry: ({ op, error, attempts }) =>
      op.type !== 'subscription' &&
      attempts < OVERLOAD_ATTEMPTS &&
      (error.data as { code?: string } | undefined)?.code === 'SERVICE_UNAVAILABLE',
    retryDelayMs: (attempt) => backoffMs(attempt, base),
  })
