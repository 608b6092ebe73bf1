import type { AppRouter } from '@messenger/api/router'
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from '@trpc/client'
import { overloadRetryLink } from './retry'
import { Session } from './session'

const url = '/trpc'

/** A client without credentials, used for the refresh call itself (it must not wait on a token). */
const bareClient = createTRPCClient<AppRouter>({ links: [httpLink({ url })] })

export const session = new Session({
  refresh: (refreshToken) => bareClient.auth.refresh.mutate({ refreshToken }),
  storage: window.localStorage,
  locks: typeof navigator.locks === 'undefined' ? undefined : navigator.locks,
})

window.addEventListener('storage', (e) => {
  session.onStorageChange(e.key, e.newValue)
})

const authorization = async (): Promise<Record<string, string>> => {
  const token = await session.getAccessToken()
  return token ? { authorization: `Bearer ${token}` } : {}
}

/** The server refuses these in a batch: each runs the slow password hash. */
const PASSWORD_PROCEDURES = new Set([
  'auth.login',
  'auth.register',
  'auth.changePassword',
  'users.deleteAccount',
])

/**
 * Queries and mutations carry `Authorization: Bearer` and are retried with backoff when the server
 * is overloaded (503); the event stream (EventSource cannot send headers) carries the token in
 * connectionParams, read afresh on every reconnect. Batches hold at most 10 calls, the server's
 * default limit (MAX_BATCH_SIZE).
 */
export const trpc = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({
        url,
        connectionParams: async () => {
          const token = await session.getAccessToken()
          return token ? { token } : {}
        },
      }),
      false: [
        overloadRetryLink(),
        splitLink({
          condition: (op) => PASSWORD_PROCEDURES.has(op.path),
          true: httpLink({ url, headers: authorization }),
          false: httpBatchLink({ url, maxItems: 10, headers: authorization }),
        }),
      ],
    }),
  ],
})

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'PAYLOAD_TOO_LARGE'
  | 'NETWORK'
  | 'OTHER'

/** The tRPC error code of a failed call, or NETWORK when the server was not reached. */
export const errorCode = (error: unknown): ErrorCode => {
  if (error instanceof TRPCClientError) {
    const code = (error.data as { code?: string } | undefined)?.code
    if (code === undefined) return 'NETWORK'
    const known: ErrorCode[] = [
      'BAD_REQUEST',
      'UNAUTHORIZED',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'TOO_MANY_REQUESTS',
      'PAYLOAD_TOO_LARGE',
    ]
    return known.find((k) => k === code) ?? 'OTHER'
  }
  return 'NETWORK'
}

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : '')
