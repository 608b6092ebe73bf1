import { initTRPC, TRPCError } from '@trpc/server'
import { ZodError } from 'zod'
import { ContextError, type AuthUser, type Context } from './context'

/** "field: problem; other: problem" from zod issues, so a 400 names what is wrong. */
const describeZodError = (error: ZodError) =>
  error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ')

const fieldErrors = (error: ZodError) => {
  const out: Record<string, string[]> = {}
  for (const i of error.issues) (out[i.path.join('.') || '_'] ??= []).push(i.message)
  return out
}

/**
 * Each issue's field path and kind, with the bound it broke: enough for a client to put a
 * translated sentence on the right field without parsing English.
 */
const issueList = (error: ZodError) =>
  error.issues.map((i) => ({
    path: i.path.join('.'),
    code: i.code,
    ...('minimum' in i ? { minimum: Number(i.minimum) } : {}),
    ...('maximum' in i ? { maximum: Number(i.maximum) } : {}),
    ...('format' in i ? { format: i.format } : {}),
  }))

/** Shared with events/sse.ts, which writes the same stream format. */
export const SSE_PING_MS = 15_000
export const SSE_CLIENT_OPTIONS = { reconnectAfterInactivityMs: 40_000 }

const t = initTRPC.context<Context>().create({
  isDev: false,
  // Pings keep idle streams open through proxies; clients reconnect when pings stop.
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 40_000 },
  },
  errorFormatter({ shape, error, ctx }) {
    const zod = error.cause instanceof ZodError ? error.cause : null
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      const requestId =
        ctx?.requestId ?? (error.cause instanceof ContextError ? error.cause.requestId : 'unknown')
      return {
        ...shape,
        message: `Internal server error (request ${requestId})`,
        data: { ...shape.data, stack: undefined },
      }
    }
    return {
      ...shape,
      message: zod ? describeZodError(zod) : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        fieldErrors: zod ? fieldErrors(zod) : undefined,
        issues: zod ? issueList(zod) : undefined,
      },
    }
  },
})

export const router = t.router
export const createCallerFactory = t.createCallerFactory
export const publicProcedure = t.procedure

/**
 * For procedures that run the slow password hash: each must come in a request of its own, so one
 * HTTP request costs at most one Argon2id run and a batch cannot multiply guesses.
 */
export const passwordProcedure = t.procedure.use(({ ctx, path, next }) => {
  if (ctx.calls > 1) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `${path} must be sent alone, not in a batch with other calls`,
    })
  }
  return next()
})

// The context goes on as it is, typed (by the return type) with the user set: a `ctx` given to
// next() would be merged into a copy of the whole context, every dependency, on every call.
const signedIn = t.middleware(({ ctx, next }): ReturnType<typeof next<{ user: AuthUser }>> => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' })
  return next()
})

/** Narrows ctx.user to non-null; no token, a bad one or an ended session is UNAUTHORIZED. */
export const authedProcedure = t.procedure.use(signedIn)

/** Signed in and running the slow password hash (changing the password, deleting the account). */
export const authedPasswordProcedure = passwordProcedure.use(signedIn)
