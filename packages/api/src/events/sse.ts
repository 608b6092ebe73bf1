import type { ServerResponse } from 'node:http'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { getTRPCErrorFromUnknown, getTRPCErrorShape } from '@trpc/server'
import { eventsInput, type ChatEvent } from '@messenger/shared'
import type { Context as HonoContext, Next } from 'hono'
import type { AppEnv } from '../app'
import { authenticate, bearer, createContextInner, type RequestMeta } from '../context'
import type { Deps } from '../deps'
import { appRouter } from '../root'
import { SSE_CLIENT_OPTIONS, SSE_PING_MS } from '../trpc'
import { openEventFeed } from './stream'

const PATH = 'messages.events'

/** One message reaches every member as the same object: serialize it once, not once per member. */
const messageJson = new WeakMap<object, string>()
const serializeEvent = (event: ChatEvent) => {
  if (!('message' in event)) return JSON.stringify(event)
  let json = messageJson.get(event.message)
  if (json === undefined) messageJson.set(event.message, (json = JSON.stringify(event.message)))
  return `{"type":${JSON.stringify(event.type)},"message":${json}}`
}

const parseJson = (s: string | null): unknown => {
  if (s === null) return undefined
  try {
    return JSON.parse(s) as unknown
  } catch {
    return Symbol('invalid')
  }
}

/**
 * Serves `messages.events` to httpSubscriptionLink in tRPC's SSE format (connected, id/data,
 * ping, serialized-error; the feed never ends by itself, so no return event), writing one buffer per event straight to the socket. tRPC's
 * own pipeline (generators and three web streams per subscriber, four chunks per event) made
 * one message to 1,000 members cost ~0.3 ms per member. Anything unusual — bad input, no valid
 * token, no Node response (app.request in tests) — falls through to tRPC, which answers it.
 */
export const serveEventStream =
  (deps: Deps, metaOf: (c: HonoContext<AppEnv>) => RequestMeta) =>
  async (c: HonoContext<AppEnv>, next: Next) => {
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing
    if (!outgoing) return next()
    const query = new URL(c.req.url).searchParams
    const input = eventsInput.safeParse(parseJson(query.get('input')))
    const params = parseJson(query.get('connectionParams'))
    const paramToken =
      typeof params === 'object' &&
      params !== null &&
      'token' in params &&
      typeof params.token === 'string'
        ? params.token
        : null
    if (!input.success) return next()
    const user = await authenticate(
      deps,
      bearer(c.req.header('authorization') ?? null) ?? paramToken,
    )
    if (!user) return next()

    const ctx = { ...createContextInner(deps, user, metaOf(c)), user }
    outgoing.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': ctx.requestId,
    })
    // A client that stops reading would make the server hold every event for it: past the
    // bound the stream is dropped, and the client resumes from its lastEventId like after any
    // drop (an SSE parser ignores an event cut off midway, so that id is of a whole event).
    const limit = deps.config.streamMaxBufferBytes
    const write = (chunk: string) => {
      if (outgoing.writableEnded || outgoing.destroyed) return
      outgoing.write(chunk)
      if (outgoing.writableLength > limit) {
        deps.log.warn(
          { requestId: ctx.requestId, unsent: outgoing.writableLength },
          'event stream client is not reading; closing the stream',
        )
        outgoing.destroy()
      }
    }
    write(`event: connected\ndata: ${JSON.stringify(SSE_CLIENT_OPTIONS)}\n\n`)
    const ping = setInterval(() => write('event: ping\ndata: \n\n'), SSE_PING_MS)
    const finish = () => {
      clearInterval(ping)
      outgoing.end()
    }
    const close = openEventFeed(ctx, input.data.lastEventId, {
      event: (id, event) => write(`id: ${id}\ndata: ${serializeEvent(event)}\n\n`),
      // A replay can be thousands of events: it goes no faster than the client reads. Waits
      // while half the bound is unsent, by watching the count rather than a 'drain' event, which
      // not every Node version emits on a response whose socket drained.
      backpressure: () =>
        outgoing.destroyed || outgoing.writableLength < limit / 2
          ? undefined
          : new Promise<void>((resolve) => {
              const check = setInterval(() => {
                if (outgoing.destroyed || outgoing.writableLength < limit / 2) {
                  clearInterval(check)
                  resolve()
                }
              }, 10)
            }),
      end: (cause) => {
        const shape = getTRPCErrorShape({
          config: appRouter._def._config,
          error: getTRPCErrorFromUnknown(cause),
          type: 'subscription',
          path: PATH,
          input: input.data,
          ctx,
        })
        write(`event: serialized-error\ndata: ${JSON.stringify(shape)}\n\n`)
        finish()
      },
    })
    outgoing.on('close', () => {
      close()
      clearInterval(ping)
    })
    return RESPONSE_ALREADY_SENT
  }
