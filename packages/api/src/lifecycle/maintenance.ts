import { pruneThrottle } from '../auth/throttle'
import type { Deps } from '../deps'
import { SWEEP_INTERVAL_MS, sweepOnce } from '../files/sweep'

/**
 * Each instance's housekeeping, every SWEEP_INTERVAL_MS (at a random point of 0.5–1.5× it, so
 * instances never align): the upload sweep (files/sweep.ts) and the login throttle's pruning
 * (auth/throttle.ts), side by side. A failed pass is logged and the next one tries again.
 */
export const startMaintenance = (deps: Deps, intervalMs = SWEEP_INTERVAL_MS) => {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> = Promise.resolve()
  let stopped = false
  const pass = () =>
    Promise.all([
      sweepOnce(deps).then(
        (r) => {
          const total = Object.values(r).reduce((a, b) => a + b, 0)
          if (total > 0) deps.log.info({ sweep: r }, 'removed unattached uploads')
        },
        (err: unknown) => deps.log.warn({ err }, 'upload sweep failed; retrying next period'),
      ),
      pruneThrottle(deps.db).then(
        (r) => {
          if (r.failures + r.scopes > 0) deps.log.info({ prune: r }, 'pruned the login throttle')
        },
        (err: unknown) => deps.log.warn({ err }, 'throttle pruning failed; retrying next period'),
      ),
    ])
  const schedule = () => {
    if (stopped) return
    timer = setTimeout(
      () => {
        running = pass()
        void running.then(schedule)
      },
      intervalMs * (0.5 + Math.random()),
    )
    timer.unref()
  }
  schedule()
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
