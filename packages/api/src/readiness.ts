import { sql } from 'kysely'
import type { Deps } from './deps'

type Check = { ok: true } | { ok: false; error: string }

const check = async (probe: () => Promise<unknown>, error: string): Promise<Check> => {
  try {
    await probe()
    return { ok: true }
  } catch {
    return { ok: false, error }
  }
}

/**
 * Each dependency on its own line. Ready (200) needs the database and, when configured, Redis;
 * search may be down meanwhile: sending, history and live events still work, and the indexer
 * catches up when it is back.
 */
export const readiness = async (deps: Deps) => {
  const { bus } = deps
  const [database, redis, searchHealth] = await Promise.all([
    check(() => sql`SELECT 1`.execute(deps.db), 'database unreachable'),
    bus.ping === undefined ? null : check(() => bus.ping!(), 'redis unreachable'),
    deps.search.health(),
  ])
  const indexer = deps.indexer.status()
  const lag = database.ok ? await deps.indexer.lag().catch(() => null) : null
  const search = {
    ok: searchHealth.ok && indexer.failures === 0,
    backend: deps.search.backend,
    /** Events in the log not in the index yet. */
    lag,
    ...(!searchHealth.ok
      ? { error: searchHealth.error }
      : indexer.lastError !== null && { error: `indexer: ${indexer.lastError}` }),
  }
  return {
    ok: database.ok && (redis?.ok ?? true),
    database,
    ...(redis !== null && { redis }),
    search,
  }
}
