import type { ServerResponse } from 'node:http'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { getTRPCErrorFromUnknown, getTRPCErrorShape } from '@trpc/server'
import { eventsInput, type ChatEvent, type EphemeralEvent } from '@messenger/shared'
import type { Context as HonoContext, Next } from 'hono'
import type { AppEnv } from '../app'
import {
  authenticate,
  bearer,
  createContextInner,
  type AuthUser,
  type RequestMeta,
} from '../context'
import type { Deps } from '../deps'
import { appRouter } from '../root'
import { SSE_CLIENT_OPTIONS, SSE_PING_MS } from '../trpc'
import { EventFeed } from './stream'

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

/** An ephemeral event (typing, presence) reaches its whole audience as one object: one frame. */
const ephemeralFrames = new WeakMap<EphemeralEvent, Buffer>()
const ephemeralFrame = (event: EphemeralEvent) => {
  let frame = ephemeralFrames.get(event)
  if (!frame)
    ephemeralFrames.set(event, (frame = Buffer.from(`data: ${JSON.stringify(event)}\n\n`)))
  return frame
}

/**
 * Sinks written to since the last flush stay corked until the next: the events delivered in
 * between (a message, the reactions and typing that came with it) leave each socket in one system
 * call rather than one per event, and a write is most of what one event to a member costs. A
 * quiet server flushes at the end of the turn; a busy one at most every FLUSH_EVERY_MS after the
 * last flush ended, as Centrifugo's write delay does, so that a burst to a thousand members
 * coalesces. Signals nobody waits on (typing, presence, reactions, read marks, pings) wait up to
 * LAZY_MS for a flush: they mostly leave with the next message's bytes instead of costing every
 * member's socket a system call of their own, which in a big group made them delay the messages.
 * A flush takes every corked sink; `due` is when the one pending flush runs, and only ever moves
 * earlier until that flush, which clears it, so nothing corked is left without one.
 */
const FLUSH_EVERY_MS = 10
export const LAZY_MS = 100
let corked: StreamSink[] = []
let lastFlush = 0
let due = Infinity
let pending: { timeout: NodeJS.Timeout } | { immediate: NodeJS.Immediate } | null = null
const uncorkAll = () => {
  const sinks = corked
  corked = []
  pending = null
  due = Infinity
  for (const sink of sinks) {
    try {
      sink.uncork()
    } catch {
      // A socket that failed is closed by its own error handling; the others still go out.
    }
  }
  // From its end: a flush to a thousand sockets takes a while, and what comes meanwhile waits.
  lastFlush = performance.now()
}
/** Makes sure a flush runs by `at` (a performance.now() time). */
const flushBy = (at: number) => {
  if (at >= due) return
  if (pending && 'timeout' in pending) clearTimeout(pending.timeout)
  else if (pending) clearImmediate(pending.immediate)
  due = at
  const wait = at - performance.now()
  pending =
    wait <= 0 ? { immediate: setImmediate(uncorkAll) } : { timeout: setTimeout(uncorkAll, wait) }
}

/** Logged events that can wait for the next message's flush (see LAZY_MS). */
const LAZY_TYPES: ReadonlySet<ChatEvent['type']> = new Set([
  'message.reaction',
  'chat.read',
  'chat.seen',
])

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
  cork(): void
  uncork(): void
  readonly writableCorked: number
  end(): unknown
  destroy(): unknown
  readonly writableLength: number
  readonly writableEnded: boolean
  readonly destroyed: boolean
  on(event: 'close', listener: () => void): unknown
}

/** What a stream request carries. */
export interface StreamRequest {
  query: URLSearchParams
  authorization: string | null
  requestId: string
}

const CONNECTED = `event: connected\ndata: ${JSON.stringify(SSE_CLIENT_OPTIONS)}\n\n`
const PING = 'event: ping\ndata: \n\n'

/**
 * Pings for every open stream from one timer in SSE_PING_MS / 15 ticks, each pinging a fifteenth
 * of them: no timer per stream (a Timeout and its closure are a tenth of an idle stream's heap),
 * and no burst of every stream's ping at once.
 */
const PING_SLOTS = 15
const pingSlots = Array.from({ length: PING_SLOTS }, () => new Set<SseStream>())
let pingTimer: NodeJS.Timeout | null = null
let pingTick = 0
let pingNext = 0
let pinged = 0
const addPing = (stream: SseStream) => {
  const slot = pingNext++ % PING_SLOTS
  pingSlots[slot]!.add(stream)
  if (pinged++ === 0) {
    pingTimer = setInterval(() => {
      for (const s of pingSlots[pingTick++ % PING_SLOTS]!) s.ping()
    }, SSE_PING_MS / PING_SLOTS)
    pingTimer.unref()
  }
  return slot
}
const removePing = (stream: SseStream, slot: number) => {
  if (!pingSlots[slot]!.delete(stream)) return
  if (--pinged === 0 && pingTimer) {
    clearInterval(pingTimer)
    pingTimer = null
  }
}

/**
 * A stream's feed written to its sink in tRPC's SSE format (connected, id/data, ping,
 * serialized-error; the feed never ends by itself, so no return event), one write per event.
 * One object holds all an idle stream needs: the sink, and its feed's state (stream.ts).
 */
class SseStream extends EventFeed {
  /** The sink's 'close' listener. */
  readonly onClose = this.close.bind(this)
  private readonly pingSlot: number
  /** Whether anything was written since the last ping: a stream that is talking needs none. */
  private wrote = false

  constructor(
    deps: Deps,
    user: AuthUser,
    private readonly requestId: string,
    private readonly sink: StreamSink,
  ) {
    super(deps, user.id, user.sessionId)
    this.pingSlot = addPing(this)
  }

  /**
   * A client that stops reading would make the server hold every event for it: past the bound
   * the stream is dropped, and the client resumes from its lastEventId like after any drop (an
   * SSE parser ignores an event cut off midway, so that id is of a whole event).
   */
  write(chunk: string | Buffer, lazy = false) {
    const sink = this.sink
    if (sink.writableEnded || sink.destroyed) return
    if (sink.writableCorked === 0) {
      sink.cork()
      corked.push(sink)
    }
    // Any pending flush is due by now + LAZY_MS already: a lazy write only asks when none is.
    if (!lazy) flushBy(lastFlush + FLUSH_EVERY_MS)
    else if (due === Infinity) flushBy(performance.now() + LAZY_MS)
    this.wrote = true
    sink.write(chunk)
    if (sink.writableLength > this.deps.config.streamMaxBufferBytes) {
      this.deps.log.warn(
        { requestId: this.requestId, unsent: sink.writableLength },
        'event stream client is not reading; closing the stream',
      )
      sink.destroy()
    }
  }

  /** Keeps a quiet stream open through proxies and tells the client the server is there. */
  ping() {
    if (!this.wrote) this.write(PING, true)
    this.wrote = false
  }

  override close() {
    super.close()
    removePing(this, this.pingSlot)
  }

  protected override event(id: string, event: ChatEvent) {
    this.write(eventFrame(id, event), LAZY_TYPES.has(event.type))
  }

  /** No id: a client's EventSource keeps the last one, so resuming is unaffected. */
  protected override ephemeral(event: EphemeralEvent) {
    this.write(ephemeralFrame(event), true)
  }

  /**
   * A replay can be thousands of events: it goes no faster than the client reads. Waits while
   * half the bound is unsent, by watching the count rather than a 'drain' event, which not every
   * Node version emits on a response whose socket drained.
   */
  protected override backpressure() {
    const sink = this.sink
    const half = this.deps.config.streamMaxBufferBytes / 2
    return sink.destroyed || sink.writableLength < half
      ? undefined
      : new Promise<void>((resolve) => {
          const check = setInterval(() => {
            if (sink.destroyed || sink.writableLength < half) {
              clearInterval(check)
              resolve()
            }
          }, 10)
        })
  }

  protected override end(cause: unknown) {
    const shape = getTRPCErrorShape({
      config: appRouter._def._config,
      error: getTRPCErrorFromUnknown(cause),
      type: 'subscription',
      path: PATH,
      // Not kept for the stream's life: the error formatter reads neither but the request id.
      input: undefined,
      ctx: createContextInner(
        this.deps,
        { id: this.userId, sessionId: this.sessionId },
        { requestId: this.requestId },
      ),
    })
    this.write(`event: serialized-error\ndata: ${JSON.stringify(shape)}\n\n`)
    this.sink.end()
  }
}

export const STREAM_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
} as const

/**
 * Authenticates a `messages.events` request and, when it is one this can serve, writes the head
 * (by `writeHead`) and streams the caller's events to `sink`. Answers false having written
 * nothing for anything unusual — bad input, no valid token — which tRPC then answers.
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

  writeHead()
  const stream = new SseStream(deps, user, request.requestId, sink)
  stream.write(CONNECTED)
  stream.start(input.data.lastEventId)
  sink.on('close', stream.onClose)
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
    const { requestId } = metaOf(c)
    const started = await startEventStream(
      deps,
      {
        query: new URL(c.req.url).searchParams,
        authorization: c.req.header('authorization') ?? null,
        requestId,
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
