import type { ServerResponse } from 'node:http'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { getTRPCErrorFromUnknown, getTRPCErrorShape } from '@trpc/server'
import { eventsInput, type ChatEvent } from '@messenger/shared'
import type { Context as HonoContext, Next } from 'hono'
import type { AppEnv } from '../app'
import { authenticate, bearer, streamContext, type RequestMeta } from '../context'
import type { Deps } from '../deps'
import { appRouter } from '../root'
import { SSE_CLIENT_OPTIONS, SSE_PING_MS } from '../trpc'
import { openEventFeed } from './stream'

const PATH = 'messages.events'

/**
 * One event reaches every member it is for as one object, or (a message event, built per member)
 * around one message object: its frame (id and data, as bytes) is built once, and each member's
 * socket is handed the same buffer, not a string to serialize and encode again.
 */
const frames = new WeakMap<object, { id: string; type: string; frame: Buffer }>()
export const eventFrame = (id: string, event: ChatEvent): Buffer => {
  const key: object = 'message' in event ? event.message : event
  const hit = frames.get(key)
  if (hit?.id === id && hit.type === event.type) return hit.frame
  const frame = Buffer.from(`id: ${id}\ndata: ${JSON.stringify(event)}\n\n`)
  frames.set(key, { id, type: event.type, frame })
  return frame
}

const parseJson = (s: string | null): unknown => {
  if (s === null) return undefined
  try {
    return JSON.parse(s) as unknown
  } catch {
    return Symbol('invalid')
  }
}

/** Where a stream's bytes go: a Node response, or the bare socket (stream-door.ts). */
export interface StreamSink {
  write(chunk: string | Buffer): unknown
  end(): unknown
  destroy(): unknown
  readonly writableLength: number
  readonly writableEnded: boolean
  readonly destroyed: boolean
  once(event: 'close', listener: () => void): unknown
}

/** What a stream request carries; `meta` without resHeaders, which a stream never sets. */
export interface StreamRequest {
  query: URLSearchParams
  authorization: string | null
  meta: Omit<RequestMeta, 'resHeaders' | 'calls'>
}

/**
 * Pings for every open stream from one timer in SSE_PING_MS / 15 ticks, each pinging a fifteenth
 * of them: no timer per stream (a Timeout and its closure are a tenth of an idle stream's heap),
 * and no burst of every stream's ping at once.
 */
const PING_SLOTS = 15
const pingSlots = Array.from({ length: PING_SLOTS }, () => new Set<() => void>())
let pingTimer: NodeJS.Timeout | null = null
let pingTick = 0
let pingNext = 0
let pinged = 0
const addPing = (ping: () => void) => {
  const slot = pingSlots[pingNext++ % PING_SLOTS]!
  slot.add(ping)
  if (pinged++ === 0) {
    pingTimer = setInterval(() => {
      for (const p of pingSlots[pingTick++ % PING_SLOTS]!) p()
    }, SSE_PING_MS / PING_SLOTS)
    pingTimer.unref()
  }
  return () => {
    if (!slot.delete(ping)) return
    if (--pinged === 0 && pingTimer) {
      clearInterval(pingTimer)
      pingTimer = null
    }
  }
}

/** Never written to: a stream sets no headers after its head. */
const NO_HEADERS = new Headers()

export const STREAM_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
} as const

/**
 * Authenticates a `messages.events` request and, when it is one this can serve, writes the head
 * (by `writeHead`) and streams the caller's events to `sink` in tRPC's SSE format (connected,
 * id/data, ping, serialized-error; the feed never ends by itself, so no return event), one write
 * per event. Answers false having written nothing for anything unusual — bad input, no valid
 * token — which tRPC then answers.
 */
export const startEventStream = async (
  deps: Deps,
  request: StreamRequest,
  sink: StreamSink,
  writeHead: () => void,
): Promise<boolean> => {
  const input = eventsInput.safeParse(parseJson(request.query.get('input')))
  if (!input.success) return false
  const params = parseJson(request.query.get('connectionParams'))
  const paramToken =
    typeof params === 'object' &&
    params !== null &&
    'token' in params &&
    typeof params.token === 'string'
      ? params.token
      : null
  const user = await authenticate(deps, bearer(request.authorization) ?? paramToken)
  if (!user || sink.destroyed) return false

  const ctx = streamContext(deps, user, { ...request.meta, resHeaders: NO_HEADERS })
  writeHead()
  // A client that stops reading would make the server hold every event for it: past the
  // bound the stream is dropped, and the client resumes from its lastEventId like after any
  // drop (an SSE parser ignores an event cut off midway, so that id is of a whole event).
  const limit = deps.config.streamMaxBufferBytes
  const write = (chunk: string | Buffer) => {
    if (sink.writableEnded || sink.destroyed) return
    sink.write(chunk)
    if (sink.writableLength > limit) {
      deps.log.warn(
        { requestId: ctx.requestId, unsent: sink.writableLength },
        'event stream client is not reading; closing the stream',
      )
      sink.destroy()
    }
  }
  write(`event: connected\ndata: ${JSON.stringify(SSE_CLIENT_OPTIONS)}\n\n`)
  const unping = addPing(() => write('event: ping\ndata: \n\n'))
  const close = openEventFeed(ctx, input.data.lastEventId, {
    event: (id, event) => write(eventFrame(id, event)),
    // No id: a client's EventSource keeps the last one, so resuming is unaffected.
    ephemeral: (event) => write(`data: ${JSON.stringify(event)}\n\n`),
    // A replay can be thousands of events: it goes no faster than the client reads. Waits
    // while half the bound is unsent, by watching the count rather than a 'drain' event, which
    // not every Node version emits on a response whose socket drained.
    backpressure: () =>
      sink.destroyed || sink.writableLength < limit / 2
        ? undefined
        : new Promise<void>((resolve) => {
            const check = setInterval(() => {
              if (sink.destroyed || sink.writableLength < limit / 2) {
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
      unping()
      sink.end()
    },
  })
  sink.once('close', () => {
    close()
    unping()
  })
  return true
}

/**
 * Serves `messages.events` on a Node response, for streams that did not come through the stream
 * door (a connection that carried another request first, a test's app.request). tRPC's own
 * pipeline (generators and three web streams per subscriber, four chunks per event) made one
 * message to 1,000 members cost ~0.3 ms per member. Without a Node response (app.request in
 * tests) or when startEventStream declines, tRPC answers.
 */
export const serveEventStream =
  (deps: Deps, metaOf: (c: HonoContext<AppEnv>) => RequestMeta) =>
  async (c: HonoContext<AppEnv>, next: Next) => {
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing
    if (!outgoing) return next()
    const { requestId, clientIp, userAgent } = metaOf(c)
    const started = await startEventStream(
      deps,
      {
        query: new URL(c.req.url).searchParams,
        authorization: c.req.header('authorization') ?? null,
        meta: { requestId, clientIp, userAgent },
      },
      outgoing,
      () =>
        outgoing.writeHead(200, {
          ...STREAM_HEADERS,
          connection: 'keep-alive',
          'x-request-id': requestId,
        }),
    )
    return started ? RESPONSE_ALREADY_SENT : next()
  }
