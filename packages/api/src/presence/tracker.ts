import { randomUUID } from 'node:crypto'
import {
  expirePresenceInstance,
  presenceAudience,
  presenceStreamClosed,
  presenceStreamOpened,
  restorePresenceStreams,
  sweepDeadPresenceInstance,
  touchPresenceInstance,
  type Db,
} from '@messenger/db'
import { PRESENCE_GRACE_MS } from '@messenger/shared'
import type { EventBus } from '../events/bus'
import type { Logger } from '../logger'

export interface PresenceOptions {
  /** How long after a person's last stream here closed they count as gone (a reload reconnects). */
  graceMs: number
  /** How often this instance says it is alive, and sweeps the instances that stopped saying so. */
  heartbeatMs: number
  /** An instance silent for this long is dead: its people are offline. */
  instanceTtlMs: number
  /** At most this many people hear of one change. */
  fanoutLimit: number
  /** People of a dead instance handled per sweep step. */
  sweepBatch: number
}

export const defaultPresenceOptions: PresenceOptions = {
  graceMs: PRESENCE_GRACE_MS,
  heartbeatMs: 20_000,
  instanceTtlMs: 90_000,
  fanoutLimit: 1000,
  sweepBatch: 500,
}

export interface PresenceTracker {
  /** This instance's row in presence_instances. */
  readonly instanceId: string
  /** A stream of `userId` opened on this instance. */
  enter(userId: string): void
  /** A stream of `userId` that `enter` counted closed. */
  leave(userId: string): void
  /** Tells the people who see `userId`'s presence what it is now (after a privacy change). */
  announce(userId: string, state: { online: boolean; lastSeenAt: Date | null }): Promise<void>
  /** Whether a stream counts as live (for users.presence): heartbeats since then. */
  liveSince(): Date
  /** Stops the timers and lets the other instances sweep this one's people. */
  close(): Promise<void>
}

/**
 * Counts each person's streams on this instance (many tabs count as one) and keeps one row per
 * person with a stream here in `presence_streams`, so every instance agrees who is online. Only
 * the first stream of a person here and the last one (after `graceMs` without a new one) touch
 * the database; a change of someone's presence is told to their personal chats' people
 * (`presenceAudience`, bounded) through the bus's ephemeral channel. One person's changes run
 * one after another; a failure is logged and the next change starts afresh.
 */
export const createPresenceTracker = (
  db: Db,
  bus: EventBus,
  log: Logger,
  options: Partial<PresenceOptions> = {},
): PresenceTracker => {
  const o = { ...defaultPresenceOptions, ...options }
  const instanceId = randomUUID()
  /** People with a stream here, or whose last change has not reached the database yet. */
  const local = new Map<
    string,
    {
      streams: number
      registered: boolean
      timer: NodeJS.Timeout | null
      /** The change under way; null when there is none (most people, most of the time). */
      chain: Promise<void> | null
    }
  >()
  let closed = false
  const liveSince = () => new Date(Date.now() - o.instanceTtlMs)

  const announce = async (userId: string, state: { online: boolean; lastSeenAt: Date | null }) => {
    const audience = await presenceAudience(db, userId, o.fanoutLimit)
    if (audience.length === 0) return
    bus.publishEphemeral({
      audience,
      event: {
        type: 'presence',
        userId,
        online: state.online,
        lastSeenAt: state.lastSeenAt?.toISOString() ?? null,
      },
    })
  }

  const ready = touchPresenceInstance(db, instanceId, new Date()).then(
    () => undefined,
    (err: unknown) => log.warn({ err }, 'presence: registering this instance failed'),
  )

  /** Brings the database to what this instance holds of `userId` now. */
  const settle = async (userId: string) => {
    await ready
    const entry = local.get(userId)
    if (!entry || closed) return
    const now = new Date()
    // `registered` follows the database only once it has answered: a write that failed (the
    // database away) is tried again at the next heartbeat instead of being taken as done.
    if (entry.streams > 0 && !entry.registered) {
      const first = await presenceStreamOpened(db, {
        userId,
        instanceId,
        now,
        liveSince: liveSince(),
      })
      entry.registered = true
      if (first) await announce(userId, { online: true, lastSeenAt: null })
    } else if (entry.streams === 0 && entry.registered) {
      const gone = await presenceStreamClosed(db, {
        userId,
        instanceId,
        now,
        liveSince: liveSince(),
      })
      entry.registered = false
      if (gone) await announce(userId, { online: false, lastSeenAt: now })
    }
    if (entry.streams === 0 && !entry.registered && entry.timer === null) local.delete(userId)
  }

  const schedule = (userId: string) => {
    const entry = local.get(userId)
    if (!entry) return
    const chain = (entry.chain ?? Promise.resolve())
      .then(() => settle(userId))
      .catch((err: unknown) => log.warn({ err, userId }, 'presence: update failed'))
      .then(() => {
        if (entry.chain === chain) entry.chain = null
      })
    entry.chain = chain
  }

  const beat = async () => {
    // People whose last change did not reach the database (settled, no grace period pending).
    for (const [id, e] of local) {
      if (e.timer === null && e.streams > 0 !== e.registered) schedule(id)
    }
    const alive = await touchPresenceInstance(db, instanceId, new Date())
    if (!alive) {
      // Swept while alive (a long pause): put this instance's people back, and say they are here.
      const here = [...local].filter(([, e]) => e.registered).map(([id]) => id)
      await restorePresenceStreams(db, instanceId, here, new Date())
      for (const id of here.slice(0, o.sweepBatch)) {
        await announce(id, { online: true, lastSeenAt: null })
      }
    }
    for (;;) {
      const swept = await sweepDeadPresenceInstance(db, liveSince(), o.sweepBatch)
      if (!swept) break
      for (const id of swept.offline) {
        await announce(id, { online: false, lastSeenAt: swept.lastSeenAt })
      }
    }
  }
  const heartbeat = setInterval(() => {
    beat().catch((err: unknown) => log.warn({ err }, 'presence: heartbeat failed'))
  }, o.heartbeatMs)
  heartbeat.unref()
  // Sweep at start too: a restarted single instance marks the people of its previous run offline.
  void ready.then(() =>
    beat().catch((err: unknown) => log.warn({ err }, 'presence: first sweep failed')),
  )

  return {
    instanceId,
    enter(userId) {
      let e = local.get(userId)
      if (!e) {
        e = { streams: 0, registered: false, timer: null, chain: null }
        local.set(userId, e)
      }
      e.streams++
      if (e.timer !== null) {
        // Back within the grace period (a reload): nothing changed for anyone.
        clearTimeout(e.timer)
        e.timer = null
      }
      if (e.streams === 1 && !e.registered) schedule(userId)
    },
    leave(userId) {
      const e = local.get(userId)
      if (!e || e.streams === 0) return
      e.streams--
      if (e.streams > 0 || closed) return
      const timer = setTimeout(() => {
        e.timer = null
        if (e.streams === 0) schedule(userId)
      }, o.graceMs)
      timer.unref()
      e.timer = timer
    },
    announce,
    liveSince,
    async close() {
      if (closed) return
      closed = true
      clearInterval(heartbeat)
      for (const e of local.values()) if (e.timer) clearTimeout(e.timer)
      await Promise.all([...local.values()].flatMap((e) => (e.chain ? [e.chain] : [])))
      await ready
      await expirePresenceInstance(db, instanceId).catch((err: unknown) =>
        log.warn({ err }, 'presence: could not retire this instance'),
      )
    },
  }
}
