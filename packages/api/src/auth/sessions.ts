import { filterActiveSessions, findActiveSession, type Db } from '@messenger/db'
import { LRUCache } from 'lru-cache'
import type { EventBus } from '../events/bus'
import type { Logger } from '../logger'
import { createKeyedListeners } from '../events/listeners'

export type ActiveSession = NonNullable<Awaited<ReturnType<typeof findActiveSession>>>

/** Cached "no such active session", so a flood of revoked tokens does not reach the database. */
const ENDED = { ended: true } as const
type Entry = ActiveSession | typeof ENDED

const RECHECK_BATCH = 1000

/** Told once when its session ends; an object, so a stream registers itself, not a closure. */
export interface SessionWatcher {
  sessionEnded(): void
}

export interface Sessions {
  /** The session's user while it is active: from the cache, or one query. */
  find(sessionId: string): Promise<ActiveSession | undefined>
  /**
   * Tells `watcher` once when the session ends: at once when an instance announces it, or at the
   * next batched recheck; unless `unwatch` comes first.
   */
  watch(sessionId: string, watcher: SessionWatcher): void
  unwatch(sessionId: string, watcher: SessionWatcher): void
  /** After sessions were revoked in the database: every instance forgets them and ends their streams. */
  ended(sessionIds: string[]): Promise<void>
  /** After a user's profile changed: every instance forgets their cached sessions. */
  userChanged(userId: string): Promise<void>
  close(): void
}

/**
 * Active sessions, cached on each instance and kept right by the bus: an instance that ends a
 * session announces it, and every instance drops it and ends its streams before the next request.
 * While the bus is not live (Redis lost) nothing is cached. As a safety net for lost announcements,
 * entries expire after `recheckMs` and each instance rechecks the sessions of all its streams in
 * one batched query per period, at a jittered time so instances and restarts do not align.
 */
export const createSessions = (opts: {
  db: Db
  bus: EventBus
  log: Logger
  cacheSize: number
  recheckMs: number
}): Sessions => {
  const { db, bus, log } = opts
  const cache = new LRUCache<string, Entry>({ max: opts.cacheSize, ttl: opts.recheckMs })
  const loading = new Map<string, Promise<ActiveSession | undefined>>()
  const watchers = createKeyedListeners<SessionWatcher>()
  /** Bumped by every invalidation: a read that started before one must not fill the cache. */
  let generation = 0

  const endLocally = (sessionIds: readonly string[]) => {
    for (const id of sessionIds) {
      cache.set(id, ENDED)
      loading.delete(id)
      for (const w of watchers.take(id)) w.sessionEnded()
    }
  }

  const unsubscribe = bus.onAuthChange((change) => {
    generation++
    if (change === null) {
      cache.clear()
      loading.clear()
      return
    }
    if (change.endedSessions) endLocally(change.endedSessions)
    if (change.changedUsers) {
      const users = new Set(change.changedUsers)
      for (const [id, entry] of cache.entries()) {
        if ('user_id' in entry && users.has(entry.user_id)) cache.delete(id)
      }
      for (const id of loading.keys()) loading.delete(id)
    }
  })

  const load = (sessionId: string) => {
    // The bus going down or up bumps the generation too.
    const started = generation
    const p = findActiveSession(db, sessionId)
      .then((row) => {
        if (bus.live && started === generation) cache.set(sessionId, row ?? ENDED)
        return row
      })
      .finally(() => {
        if (loading.get(sessionId) === p) loading.delete(sessionId)
      })
    loading.set(sessionId, p)
    return p
  }

  const recheck = async () => {
    const ids = [...watchers.keys()]
    for (let i = 0; i < ids.length; i += RECHECK_BATCH) {
      const batch = ids.slice(i, i + RECHECK_BATCH)
      const active = new Set(await filterActiveSessions(db, batch))
      endLocally(batch.filter((id) => !active.has(id)))
    }
  }
  let timer: NodeJS.Timeout
  const schedule = () => {
    timer = setTimeout(
      () => {
        recheck()
          .catch((err: unknown) => log.error({ err }, 'rechecking stream sessions failed'))
          .finally(schedule)
      },
      opts.recheckMs * (0.5 + Math.random()),
    )
    timer.unref()
  }
  schedule()

  const announce = async (change: { endedSessions?: string[]; changedUsers?: string[] }) => {
    try {
      await bus.publishAuthChange(change)
    } catch (err) {
      // The database is already right; other instances catch up by expiry and recheck.
      log.error({ err }, 'announcing an auth change failed')
    }
  }

  return {
    find: (sessionId) => {
      const hit = cache.get(sessionId)
      if (hit) return Promise.resolve('user_id' in hit ? hit : undefined)
      return loading.get(sessionId) ?? load(sessionId)
    },
    watch: (sessionId, watcher) => {
      // Ended while the stream was being opened: end it now rather than at the recheck.
      if (cache.get(sessionId) === ENDED) queueMicrotask(() => watcher.sessionEnded())
      else watchers.add(sessionId, watcher)
    },
    unwatch: (sessionId, watcher) => watchers.remove(sessionId, watcher),
    ended: (endedSessions) => announce({ endedSessions }),
    userChanged: (userId) => announce({ changedUsers: [userId] }),
    close: () => {
      clearTimeout(timer)
      unsubscribe()
    },
  }
}
