import type { Logger } from '../logger'
import type { BusEvent } from './bus'

export interface SequencerOptions {
  /** The highest committed event id; every id below it is committed too (appendEvents). */
  head: () => Promise<number>
  /** Committed events with `after < id <= upTo`, oldest first. */
  load: (after: number, upTo: number) => Promise<BusEvent[]>
  /** Hands one event to this instance's streams; called in id order, once per id. */
  deliver: (e: BusEvent) => void
  log: Logger
  /** How long an event waits for the ones before it to arrive before they are read from the log. */
  gapMs?: number
  /** How often the log's head is checked, so a gap shows even when no later event comes. */
  pollMs?: number
}

/** Events read from the log per query while filling a gap. */
const FILL_PAGE = 500
/** Past this many held events they are dropped and read back from the log instead. */
const MAX_HELD = 20_000

/**
 * Puts this instance's events in log order, each once, whatever the bus does. Event ids are
 * gap-free and commit-ordered, so the instance knows what it has delivered as one number: the
 * last id of the contiguous run. An event that arrives early is held; when the ids before it do
 * not follow within `gapMs` (a lost publish, a Redis outage, a crash between commit and publish),
 * or the log's head is past what was delivered, the missing events are read from the log and
 * delivered in order. In the usual case an event arrives in order and goes straight through,
 * synchronously, with no database read. Events committed before the instance started are left to
 * each stream's replay from its `lastEventId`.
 */
export const createSequencer = async (o: SequencerOptions) => {
  const gapMs = o.gapMs ?? 200
  const pollMs = o.pollMs ?? 1000
  let delivered = await o.head()
  /** The highest id known to be committed: from the bus or from the log's head. */
  let known = delivered
  const held = new Map<number, BusEvent>()
  const state = { filling: false, closed: false, pollFailing: false }
  // A function, so TypeScript does not narrow it across the awaits that let close() run.
  const closed = () => state.closed
  let timer: NodeJS.Timeout | null = null

  const deliver = (e: BusEvent) => {
    try {
      o.deliver(e)
    } catch (err) {
      o.log.error({ err, eventId: e.id }, 'delivering an event failed')
    }
  }

  const arm = (ms: number) => {
    if (timer || state.closed || known <= delivered) return
    timer = setTimeout(() => {
      timer = null
      void fill()
    }, ms)
    timer.unref()
  }

  const drain = () => {
    if (state.filling) return
    for (let e = held.get(delivered + 1); e !== undefined; e = held.get(delivered + 1)) {
      held.delete(delivered + 1)
      delivered++
      deliver(e)
    }
    arm(gapMs)
  }

  const fill = async () => {
    if (state.filling || state.closed) return
    state.filling = true
    try {
      while (known > delivered && !closed()) {
        const upTo = Math.min(known, delivered + FILL_PAGE)
        const fromLog = new Map((await o.load(delivered, upTo)).map((e) => [Number(e.id), e]))
        // Everything up to `upTo` is committed, so the log holds all of it; a held copy is
        // preferred, since its audience was read with the event itself.
        for (let id = delivered + 1; id <= upTo; id++) {
          const e = held.get(id) ?? fromLog.get(id)
          held.delete(id)
          delivered = id
          if (e) deliver(e)
        }
      }
      state.filling = false
      drain()
    } catch (err) {
      o.log.warn({ err, after: delivered }, 'reading missed events from the log failed; retrying')
      state.filling = false
      arm(Math.max(gapMs, 1000))
    }
  }

  const checkHead = async () => {
    try {
      const head = await o.head()
      if (state.pollFailing) o.log.info('event log readable again')
      state.pollFailing = false
      if (head > known) known = head
      arm(gapMs)
    } catch (err) {
      if (!state.pollFailing) o.log.warn({ err }, 'checking the event log failed')
      state.pollFailing = true
    }
  }
  const poll = setInterval(() => void checkHead(), pollMs)
  poll.unref()

  return {
    /** An event from the bus: delivered now if it is next, held if early, dropped if seen. */
    accept(e: BusEvent) {
      const id = Number(e.id)
      if (id <= delivered || held.has(id) || state.closed) return
      if (held.size >= MAX_HELD) held.clear()
      held.set(id, e)
      if (id > known) known = id
      drain()
    },
    /** The bus may have lost messages (its subscriber reconnected): look at the log now. */
    checkNow: () => checkHead(),
    /** The last id delivered without a gap, for tests. */
    delivered: () => delivered,
    close() {
      state.closed = true
      clearInterval(poll)
      if (timer) clearTimeout(timer)
      held.clear()
    },
  }
}

export type Sequencer = Awaited<ReturnType<typeof createSequencer>>
