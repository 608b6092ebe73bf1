import { randomUUID } from 'node:crypto'
import { getTRPCErrorShape, TRPCError } from '@trpc/server'
import { fetchRequestHandler } from '@trpc/server/adapters/fetch'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { getHTTPStatusCodeFromError } from '@trpc/server/http'
import { Hono, type Context as HonoContext } from 'hono'
import { singleEmoji } from '@messenger/shared'
import { bodyLimit } from 'hono/body-limit'
import { Overloaded } from './admission'
import { serveEventStream } from './events/sse'
import { createStreamDoor } from './events/stream-door'
import { clientAddress, createContext, type RequestMeta } from './context'
import { directCalls } from './direct-calls'
import type { Deps } from './deps'
import { logUnexpected } from './logger'
import { avatarRoutes } from './avatars/routes'
import { fileRoutes } from './files/routes'
import { imageRoutes } from './images/routes'
import { readiness } from './readiness'
import { appRouter } from './root'
import { apiSecurityHeaders } from './security-headers'
import { mountWebClient } from './static'

export interface AppVariables {
  requestId: string
  /** The status of an answer written straight to Node's response (direct-calls.ts). */
  status?: number
}
export type AppEnv = {
  Variables: AppVariables
  Bindings: { incoming?: { socket?: { remoteAddress?: string } } }
}

const clientIp = (c: HonoContext<AppEnv>, trustProxy: boolean) =>
  clientAddress(
    trustProxy ? c.req.header('x-forwarded-for') : undefined,
    // app.request() in tests passes no bindings at all.
    (c.env as AppEnv['Bindings'] | undefined)?.incoming?.socket?.remoteAddress,
  )

export const requestMeta = (c: HonoContext<AppEnv>, deps: Deps): RequestMeta => ({
  requestId: c.get('requestId'),
  clientIp: clientIp(c, deps.config.trustProxy),
  userAgent: c.req.header('user-agent') ?? null,
  resHeaders: new Headers(),
  calls: 1,
})

/** The answer tRPC gives for an error raised before any procedure runs: its shape and status. */
const trpcErrorResponse = (urlPath: string, error: TRPCError) =>
  new Response(
    JSON.stringify({
      error: getTRPCErrorShape({
        config: appRouter._def._config,
        error,
        type: 'unknown',
        path: urlPath.slice('/trpc/'.length),
        input: undefined,
        ctx: undefined,
      }),
    }),
    {
      status: getHTTPStatusCodeFromError(error),
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    },
  )

/** Builds the whole HTTP app; `server.ts` only listens, so tests use `app.request()`. */
export const createApp = (deps: Deps) => {
  const app = new Hono<AppEnv>()
  // The emoji pattern compiles on first use, about 40 ms: here rather than in a first reaction.
  singleEmoji('👍')

  app.use(async (c, next) => {
    const requestId = randomUUID()
    c.set('requestId', requestId)
    const started = performance.now()
    await next()
    // After next(): a Response returned by a handler (tRPC's) drops headers set before it.
    // A stream written straight to the socket (events/sse.ts) carries its own X-Request-Id.
    if (c.res !== RESPONSE_ALREADY_SENT) c.header('X-Request-Id', requestId)
    deps.log.info({
      requestId,
      method: c.req.method,
      path: c.req.path,
      ...(c.req.path.startsWith('/trpc/') && { procedure: c.req.path.slice('/trpc/'.length) }),
      status: c.get('status') ?? c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    })
  })

  app.get(
    '/trpc/messages.events',
    serveEventStream(deps, (c) => requestMeta(c, deps)),
  )
  // Single calls with a declared length are answered from Node's request, security headers
  // included (direct-calls.ts).
  app.on(
    ['GET', 'POST'],
    '/trpc/*',
    directCalls(deps, (c) => requestMeta(c, deps)),
  )

  // After the event stream and direct calls, which write their own headers to the socket.
  app.use(apiSecurityHeaders)

  app.get('/healthz', (c) => c.json({ ok: true }))
  app.get('/readyz', async (c) => {
    const report = await readiness(deps)
    return c.json(report, report.ok ? 200 : 503)
  })

  // fetchRequestHandler directly (as @hono/trpc-server does) keeps the context typed.
  app.route('/api/images', imageRoutes(deps))
  app.route('/api/files', fileRoutes(deps))
  app.route('/api/avatars', avatarRoutes(deps))

  const tooLarge = (path: string) =>
    trpcErrorResponse(
      path,
      new TRPCError({
        code: 'PAYLOAD_TOO_LARGE',
        message: `The request body must be at most ${deps.config.maxRequestBytes} bytes (MAX_REQUEST_BYTES)`,
      }),
    )
  // Hono's bodyLimit stops reading a chunked body at the limit; a Content-Length over it is
  // refused unread. The rest of a refused body is drained briefly, then the socket is closed.
  app.use(
    '/trpc/*',
    bodyLimit({
      maxSize: deps.config.maxRequestBytes,
      onError: (c) => tooLarge(c.req.path),
    }),
  )

  app.all('/trpc/*', async (c) => {
    let release: (() => void) | undefined
    try {
      return await fetchRequestHandler({
        router: appRouter,
        endpoint: '/trpc',
        req: c.req.raw,
        maxBatchSize: deps.config.maxBatchSize,
        // Answers are per user and per moment: no cache may keep them.
        responseMeta: () => ({ headers: { 'cache-control': 'no-store' } }),
        createContext: async (opts) => {
          // Admitted before the session lookup, so a shed request has touched nothing.
          try {
            release = await deps.admission.enter()
          } catch (e) {
            if (!(e instanceof Overloaded)) throw e
            opts.resHeaders.set('Retry-After', '1')
            throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: e.message, cause: e })
          }
          return createContext(deps, requestMeta(c, deps), opts)
        },
        onError: ({ error, path }) => logUnexpected(deps.log, error, path, c.get('requestId')),
      })
    } finally {
      release?.()
    }
  })

  // Last, so the web app's SPA fallback never shadows an API route.
  mountWebClient(app)

  // Event streams that open a connection are served before Node's HTTP parser (serve.ts).
  return Object.assign(app, { streamDoor: createStreamDoor(deps) })
}
