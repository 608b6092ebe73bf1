import { tracked, TRPCError } from '@trpc/server'
import type { ChatEvent, EphemeralEvent } from '@messenger/shared'
import type { AuthUser, Context } from '../context'
import type { BusEvent } from './bus'
import { eventForUser, replayEvents } from './service'

export interface FeedHandlers {
  /** Called for every event, in order; synchronously from the bus for message events. */
  event: (id: string, event: ChatEvent) => void
  /** Called once if the feed stops by itself: its session ended, or reading failed. */
  end: (cause: unknown) => void
  /** While replaying, awaited after each event when it answers a promise: the reader is full. */
  backpressure?: () => Promise<void> | undefined
  /** Typing and presence: no id, not in the log, handed on as they come. */
  ephemeral?: (event: EphemeralEvent) => void
}

/**
 * The caller's events as callbacks. Subscribes to the bus first and then replays the log from
 * `lastEventId`, so nothing committed in between is lost; live events at or below the last id
 * handed on are dropped (the bus delivers in id order, so they were replayed). A live message
 * event is handed on straight from the bus listener, since one message reaches every member of a
 * group at once; a `chat.updated` needs a database read, and events after it wait their turn. A
 * stream outlives its access token, but not its session: it ends when its session does (logout,
 * revoke, refresh-token reuse), by event (auth/sessions.ts). Returns `close`.
 */
export const openEventFeed = (
  ctx: Context & { user: AuthUser },
  lastEventId: string | undefined,
  on: FeedHandlers,
) => {
  // An object, so TypeScript does not narrow what the callbacks change.
  const state = { closed: false, replaying: true }
  const isClosed = () => state.closed
  const backlog: BusEvent[] = []
  /** The last event id handed on (or skipped); ids only grow. */
  let cursor = lastEventId === undefined ? 0 : Number(lastEventId)
  let tail: Promise<void> | null = null

  const close = () => {
    state.closed = true
    leavePresence()
    unwatch()
    unsubscribe()
    unsubscribeEphemeral()
  }
  const fail = (cause: unknown) => {
    if (state.closed) return
    close()
    on.end(cause)
  }
  const deliver = (e: BusEvent) => {
    if (state.closed || Number(e.id) <= cursor) return
    cursor = Number(e.id)
    const pending = eventForUser(ctx, ctx.user.id, e)
    if (!(pending instanceof Promise) && tail === null) {
      if (pending) on.event(e.id, pending)
      return
    }
    const step: Promise<void> = (tail ?? Promise.resolve()).then(async () => {
      const event = await pending
      if (event && !state.closed) on.event(e.id, event)
    })
    tail = step
    step.then(() => {
      if (tail === step) tail = null
    }, fail)
  }

  const unsubscribe = ctx.bus.subscribe(ctx.user.id, (e) => {
    if (state.replaying) backlog.push(e)
    else deliver(e)
  })
  const unsubscribeEphemeral = on.ephemeral
    ? ctx.bus.subscribeEphemeral(ctx.user.id, on.ephemeral)
    : () => undefined
  // Every open stream counts toward its person being online, whoever reads it.
  const leavePresence = ctx.presence.open(ctx.user.id)
  const unwatch = ctx.sessions.watch(ctx.user.sessionId, () =>
    fail(new TRPCError({ code: 'UNAUTHORIZED', message: 'Session ended' })),
  )

  void (async () => {
    let from = lastEventId
    while (from !== undefined && !state.closed) {
      const page = await replayEvents(ctx, ctx.user.id, from)
      for (const e of page.events) {
        if (isClosed()) break
        on.event(e.id, e.event)
        const full = on.backpressure?.()
        if (full) await full
      }
      cursor = Math.max(cursor, Number(page.lastId))
      from = page.more ? page.lastId : undefined
    }
    state.replaying = false
    for (const e of backlog.splice(0)) deliver(e)
  })().catch(fail)

  return close
}

/** The same feed as an async generator of tracked events, for the tRPC subscription. */
export async function* streamEvents(
  ctx: Context & { user: AuthUser },
  lastEventId: string | undefined,
  signal: AbortSignal | undefined,
) {
  const queue: { id: string; event: ChatEvent }[] = []
  const ended: { cause: unknown }[] = []
  let wake: (() => void) | null = null
  const close = openEventFeed(ctx, lastEventId, {
    event: (id, event) => {
      queue.push({ id, event })
      wake?.()
    },
    end: (cause) => {
      ended.push({ cause })
      wake?.()
    },
  })
  const aborted = new Promise<void>((resolve) =>
    signal?.addEventListener('abort', () => resolve(), { once: true }),
  )
  try {
    while (signal?.aborted !== true) {
      if (queue.length === 0 && ended.length === 0) {
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted])
        wake = null
      }
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        yield tracked(item.id, item.event)
      }
      if (ended[0]) throw ended[0].cause
    }
  } finally {
    close()
  }
}
