import type { FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch'
import type { PublicUser } from '@messenger/shared'
import type { Deps } from './deps'
import { toPublicUser } from './mappers'

export interface AuthUser {
  id: string
  sessionId: string
  /** The caller's public fields, read with the session, so their own messages need no lookup. */
  profile?: PublicUser
}

export interface RequestMeta {
  requestId: string
  clientIp: string
  userAgent: string | null
  /** Headers to add to the answer (Retry-After). */
  resHeaders: Headers
  /** How many tRPC calls the HTTP request carries (more than 1 in a batch). */
  calls: number
}

export interface Context extends Deps, RequestMeta {
  user: AuthUser | null
}

/** Pure: tests build a context for `createCaller` with it. */
export const createContextInner = (
  deps: Deps,
  user: AuthUser | null,
  meta: Partial<RequestMeta> = {},
): Context => ({
  ...deps,
  user,
  requestId: meta.requestId ?? 'internal',
  clientIp: meta.clientIp ?? 'unknown',
  userAgent: meta.userAgent ?? null,
  resHeaders: meta.resHeaders ?? new Headers(),
  calls: meta.calls ?? 1,
})

/** A string of its own: a slice of a request's head would keep the whole head alive. */
const flat = (s: string) => Buffer.from(s, 'latin1').toString('latin1')

/**
 * The client's address: with a trusted proxy, the last X-Forwarded-For entry (the one our proxy
 * appended; earlier ones are whatever the client sent), else the socket's peer.
 */
export const clientAddress = (forwarded: string | undefined, remote: string | undefined) =>
  forwarded?.split(',').at(-1)?.trim() || (remote ?? 'unknown')

export const bearer = (header: string | null) => {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  // Flat: the verified-token cache keeps the token, which would otherwise keep the header.
  return m?.[1] === undefined ? null : flat(m[1])
}

/** The user behind an access token whose session is still active, or null. */
export const authenticate = async (deps: Deps, token: string | null): Promise<AuthUser | null> => {
  if (token === null) return null
  const claims = await deps.verifyToken(token)
  if (!claims) return null
  const session = await deps.sessions.find(claims.sessionId)
  if (session?.user_id !== claims.userId) return null
  return {
    id: claims.userId,
    sessionId: claims.sessionId,
    profile: toPublicUser(
      {
        id: session.user_id,
        login: session.login,
        first_name: session.first_name,
        last_name: session.last_name,
        avatar_id: session.avatar_id,
        // An active session's user is not deleted: deleting an account ends its sessions.
        deleted_at: null,
      },
      deps.config.jwtSecret,
    ),
  }
}

/** A failure before the context exists (the database down); carries the id the 500 must name. */
export class ContextError extends Error {
  constructor(
    readonly requestId: string,
    cause: unknown,
  ) {
    super(`could not authenticate the request: ${String(cause)}`, { cause })
  }
}

/**
 * Browsers' EventSource cannot send headers, so subscriptions may carry the token in tRPC
 * connectionParams instead.
 */
export const createContext = async (
  deps: Deps,
  meta: RequestMeta,
  opts: FetchCreateContextFnOptions,
): Promise<Context> => {
  const token =
    bearer(opts.req.headers.get('authorization')) ?? opts.info.connectionParams?.token ?? null
  let user: AuthUser | null
  try {
    user = await authenticate(deps, token)
  } catch (e) {
    throw new ContextError(meta.requestId, e)
  }
  return createContextInner(deps, user, {
    ...meta,
    resHeaders: opts.resHeaders,
    calls: opts.info.calls.length,
  })
}
