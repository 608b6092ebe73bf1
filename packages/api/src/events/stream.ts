import { tracked, TRPCError } from '@trpc/server'
import { findActiveSession } from '@messenger/db'
import type { AuthUser, Context } from '../context'
import type { BusEvent } from './bus'
import { eventForUser, replayEvents } from './service'

/**
 * The caller's live events. Subscribes to the bus first and then replays the log from
 * `lastEventId`, so nothing committed in between is lost; live copies of replayed events are dropped.
 */
export async function* streamEvents(
  ctx: Context & { user: AuthUser },
  lastEventId: string | undefined,
  signal: AbortSignal | undefined,
  recheckMs = ctx.config.streamSessionCheckMs,
) {
  const queue: BusEvent[] = []
  let wake: (() => void) | null = null
  const unsubscribe = ctx.bus.subscribe(ctx.user.id, (e) => {
    queue.push(e)
    wake?.()
  })
  const aborted = new Promise<void>((resolve) =>
    signal?.addEventListener('abort', () => resolve(), { once: true }),
  )
  try {
    const replayed = new Set<string>()
    let cursor = lastEventId
    while (cursor !== undefined) {
      const page = await replayEvents(ctx, ctx.user.id, cursor)
      for (const e of page.events) {
        replayed.add(e.id)
        yield tracked(e.id, e.event)
      }
      cursor = page.more ? page.lastId : undefined
    }
    while (signal?.aborted !== true) {
      if (queue.length === 0) {
        let timer: NodeJS.Timeout | undefined
        const recheck = new Promise<'recheck'>(
          (resolve) => (timer = setTimeout(() => resolve('recheck'), recheckMs)),
        )
        const woke = await Promise.race([
          new Promise<void>((resolve) => (wake = resolve)),
          aborted,
          recheck,
        ])
        clearTimeout(timer)
        wake = null
        // A stream outlives its access token; it ends when its session does (logout, revoke, reuse).
        if (woke === 'recheck' && !(await findActiveSession(ctx.db, ctx.user.sessionId))) {
          throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Session ended' })
        }
      }
      for (let e = queue.shift(); e !== undefined; e = queue.shift()) {
        if (replayed.has(e.id)) continue
        const pending = eventForUser(ctx, ctx.user.id, e)
        const event = pending instanceof Promise ? await pending : pending
        if (event) yield tracked(e.id, event)
      }
    }
  } finally {
    unsubscribe()
  }
}
