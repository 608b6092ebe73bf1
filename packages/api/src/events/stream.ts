import { tracked, TRPCError } from '@trpc/server'
import type { ChatEvent, EphemeralEvent } from '@messenger/shared'
import type { SessionWatcher } from '../auth/sessions'
import type { AuthUser, Context } from '../context'
import type { Deps } from '../deps'
import type { BusEvent, Subscriber } from './bus'
import { eventForUser, replayEvents } from './service'

/**
 * The caller's events, handed to the methods a subclass gives (sse.ts: a socket; streamEvents: a
 * generator). `start` subscribes to the bus first and then replays the log from `lastEventId`,
 * so nothing committed in between is lost; live events at or below the last id handed on are
 * dropped (the bus delivers in id order, so they were replayed). A live message event is handed
 * on straight from the bus, since one message reaches every member of a group at once; a
 * `chat.updated` needs a database read, and events after it wait their turn. A stream outlives
 * its access token, but not its session: it ends when its session does (logout, revoke,
 * refresh-token reuse), by event (auth/sessions.ts).
 *
 * One object per stream, its methods on the prototype, registered as itself with the bus, the
 * sessions and presence: an idle stream held about twenty closures and their scopes before (a
 * third of its heap).
 */
export abstract class EventFeed implements Subscriber, SessionWatcher {
  /** Live events that came during the replay, handed on after it; null when not replaying. */
  private backlog: BusEvent[] | null = null
  /** The last event id handed on (or skipped); ids only grow. */
  private cursor = 0
  /** The last of the events waiting on a read (a chat.updated and those after it); null if none. */
  private tail: Promise<void> | null = null
  private closed = false

  constructor(
    protected readonly deps: Deps,
    protected readonly userId: string,
    protected readonly sessionId: string,
  ) {}

  /** Called for every event, in order; synchronously from the bus for message events. */
  protected abstract event(id: string, event: ChatEvent): void
  /** Called once if the feed stops by itself (its session ended, or reading failed), after `close`. */
  protected abstract end(cause: unknown): void
  /** Typing and presence: no id, not in the log, handed on as they come. */
  protected ephemeral(_event: EphemeralEvent): void {
    // Dropped unless a subclass hands them on.
  }
  /** While replaying, awaited after each event when it answers a promise: the reader is full. */
  protected backpressure(): Promise<void> | undefined {
    return undefined
  }

  /** Starts the feed (once); events may reach `event` from now on, synchronously too. */
  start(lastEventId: string | undefined) {
    this.deps.bus.attach(this.userId, this)
    // Every open stream counts toward its person being online, whoever reads it.
    this.deps.presence.enter(this.userId)
    this.deps.sessions.watch(this.sessionId, this)
    if (lastEventId === undefined) return
    this.cursor = Number(lastEventId)
    this.backlog = []
    this.replay(lastEventId).catch((cause: unknown) => this.fail(cause))
  }

  /** Stops the feed; nothing reaches `event` or `end` afterwards. */
  close() {
    if (this.closed) return
    this.closed = true
    this.backlog = null
    this.deps.presence.leave(this.userId)
    this.deps.sessions.unwatch(this.sessionId, this)
    this.deps.bus.detach(this.userId, this)
  }

  busEvent(e: BusEvent) {
    if (this.backlog) this.backlog.push(e)
    else this.deliver(e)
  }

  ephemeralEvent(e: EphemeralEvent) {
    if (!this.closed) this.ephemeral(e)
  }

  sessionEnded() {
    this.fail(new TRPCError({ code: 'UNAUTHORIZED', message: 'Session ended' }))
  }

  /** A call, not the field: TypeScript would take a check before an await to hold after it. */
  private isOpen() {
    return !this.closed
  }

  private fail(cause: unknown) {
    if (this.closed) return
    this.close()
    this.end(cause)
  }

  private deliver(e: BusEvent) {
    const id = Number(e.id)
    if (this.closed || id <= this.cursor) return
    this.cursor = id
    const pending = eventForUser(this.deps, this.userId, e)
    if (!(pending instanceof Promise) && this.tail === null) {
      if (pending) this.event(e.id, pending)
      return
    }
    const step: Promise<void> = (this.tail ?? Promise.resolve()).then(async () => {
      const event = await pending
      if (event && !this.closed) this.event(e.id, event)
    })
    this.tail = step
    step.then(
      () => {
        if (this.tail === step) this.tail = null
      },
      (cause: unknown) => this.fail(cause),
    )
  }

  private async replay(lastEventId: string) {
    let from: string | undefined = lastEventId
    while (from !== undefined && this.isOpen()) {
      const page = await replayEvents(this.deps, this.userId, from)
      for (const e of page.events) {
        if (!this.isOpen()) break
        this.event(e.id, e.event)
        const full = this.backpressure()
        if (full) await full
      }
      this.cursor = Math.max(this.cursor, Number(page.lastId))
      from = page.more ? page.lastId : undefined
    }
    const live = this.backlog
    this.backlog = null
    for (const e of live ?? []) this.deliver(e)
  }
}

/** A feed whose events wait in a queue for the generator of `streamEvents`. */
class QueuedFeed extends EventFeed {
  readonly queue: { id: string; event: ChatEvent }[] = []
  ended: { cause: unknown } | null = null
  wake: (() => void) | null = null

  protected override event(id: string, event: ChatEvent) {
    this.queue.push({ id, event })
    this.wake?.()
  }

  protected override end(cause: unknown) {
    this.ended = { cause }
    this.wake?.()
  }
}

/** The same feed as an async generator of tracked events, for the tRPC subscription. */
export async function* streamEvents(
  ctx: Context & { user: AuthUser },
  lastEventId: string | undefined,
  signal: AbortSignal | undefined,
) {
  const feed = new QueuedFeed(ctx, ctx.user.id, ctx.user.sessionId)
  feed.start(lastEventId)
  const aborted = new Promise<void>((resolve) =>
    signal?.addEventListener('abort', () => resolve(), { once: true }),
  )
  try {
    while (signal?.aborted !== true) {
      if (feed.queue.length === 0 && feed.ended === null) {
        await Promise.race([new Promise<void>((resolve) => (feed.wake = resolve)), aborted])
        feed.wake = null
      }
      for (let item = feed.queue.shift(); item !== undefined; item = feed.queue.shift()) {
        yield tracked(item.id, item.event)
      }
      if (feed.ended) throw feed.ended.cause
    }
  } finally {
    feed.close()
  }
}
