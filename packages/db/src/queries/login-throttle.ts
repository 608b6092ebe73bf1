import { sql, type Transaction } from 'kysely'
import type { Db } from '../client'
import type { Database } from '../database'

export type LoginAttemptReservation =
  /** One failure row per scope, written before the password is checked; released if it was not one. */
  | { reserved: true; ids: number[] }
  /** Some scope is full: no row written; `retryAt` is when its oldest failure leaves the window. */
  | { reserved: false; retryAt: Date }

/** How often an attempt starts over when the pruning removed one of its scope rows meanwhile. */
const SWEPT_RETRIES = 5

/**
 * Runs `work` in a read-committed transaction that holds every scope's row in
 * login_throttle_scopes, locked in one statement in index order, so two attempts on a scope are
 * counted one after another and never wait on each other crosswise. A missing row is inserted
 * first, each in an autocommit statement of its own (an insert holding no other lock cannot
 * deadlock); one that the pruning removes before the lock is taken sends the whole thing round
 * again, since only its lock orders this attempt after the others.
 */
const withScopesLocked = async <T>(
  db: Db,
  scopes: readonly string[],
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> => {
  const wanted = [...new Set(scopes)]
  for (let attempt = 1; ; attempt++) {
    const known = new Set(
      (
        await db
          .selectFrom('login_throttle_scopes')
          .select('scope')
          .where('scope', 'in', wanted)
          .execute()
      ).map((r) => r.scope),
    )
    for (const scope of wanted.filter((s) => !known.has(s))) {
      await db.insertInto('login_throttle_scopes').ignore().values({ scope }).execute()
    }
    const done = await db
      .transaction()
      .setIsolationLevel('read committed')
      .execute(async (trx) => {
        const locked = await trx
          .selectFrom('login_throttle_scopes')
          .select('scope')
          .where('scope', 'in', wanted)
          .forUpdate()
          .execute()
        return locked.length < wanted.length ? null : { value: await work(trx) }
      })
    if (done) return done.value
    if (attempt >= SWEPT_RETRIES) throw new Error('login throttle: scope rows keep disappearing')
  }
}

/**
 * Counts an attempt against every scope before the slow password check, unless a scope already
 * has `max` failures in the window. Each scope's row is locked for the count and the insert, so
 * concurrent attempts (on any server instance) are counted one after another: 50 guesses at once
 * reserve exactly `max` attempts, never more. Failures past the window are not counted; the
 * pruning (pruneLoginThrottle) deletes them.
 */
export const reserveLoginAttempt = (
  db: Db,
  scopes: string[],
  { max, windowMs }: { max: number; windowMs: number },
): Promise<LoginAttemptReservation> =>
  withScopesLocked(db, scopes, async (trx): Promise<LoginAttemptReservation> => {
    const since = new Date(Date.now() - windowMs)
    const counts = await trx
      .selectFrom('login_failures')
      .select([
        'scope',
        sql<number | string>`COUNT(*)`.as('failures'),
        sql<Date>`MIN(created_at)`.as('oldest'),
      ])
      .where('scope', 'in', scopes)
      .where('created_at', '>', since)
      .groupBy('scope')
      .execute()
    const full = counts.filter((c) => Number(c.failures) >= max)
    if (full.length > 0) {
      const retryAt = Math.max(...full.map((c) => c.oldest.getTime() + windowMs))
      return { reserved: false, retryAt: new Date(retryAt) }
    }
    const ids: number[] = []
    for (const scope of scopes) {
      const r = await trx.insertInto('login_failures').values({ scope }).executeTakeFirstOrThrow()
      ids.push(Number(r.insertId))
    }
    return { reserved: true, ids }
  })

/**
 * A reserved attempt that was not a failure (the right password, or an error before the check):
 * its rows are deleted. With `clearScope`, all of that scope's failures go too — a successful
 * login clears its account's count. The scope rows are locked first, as `reserveLoginAttempt`
 * does, so a release and a reservation of the same scopes queue instead of deadlocking on the
 * failures' index.
 */
export const releaseLoginAttempt = (db: Db, scopes: string[], ids: number[], clearScope?: string) =>
  withScopesLocked(db, scopes, async (trx) => {
    if (ids.length > 0) await trx.deleteFrom('login_failures').where('id', 'in', ids).execute()
    if (clearScope !== undefined) {
      await trx.deleteFrom('login_failures').where('scope', '=', clearScope).execute()
    }
  })

/**
 * Keeps the throttle's tables as small as the last window's attempts: failures older than
 * `before`, then scope rows that had no failure when read (an address seen once, a login name
 * tried once), `batch` rows per statement. Neither statement reads with locks, so neither holds
 * a lock an attempt waits on while waiting on one of the attempt's: failures go in created_at
 * order, and within a scope a successful login's clearing deletes in that same order; scope rows
 * are deleted by their key alone. A scope row is only what attempts lock: one deleted under an
 * attempt is put back by the next (withScopesLocked), and the failures it counts stay where they
 * are. Answers how many of each were removed.
 */
export const pruneLoginThrottle = async (db: Db, before: Date, batch: number) => {
  let failures = 0
  for (;;) {
    // Read committed: no gap lock past the last old failure for a new one's insert to wait on.
    const r = await db
      .transaction()
      .setIsolationLevel('read committed')
      .execute((trx) =>
        sql`DELETE FROM login_failures WHERE created_at <= ${before}
          ORDER BY created_at LIMIT ${batch}`.execute(trx),
      )
    const n = Number(r.numAffectedRows ?? 0n)
    failures += n
    if (n < batch) break
  }
  let scopes = 0
  for (let after = ''; ;) {
    const page = (
      await sql<{ scope: string; idle: number | string }>`SELECT s.scope,
          NOT EXISTS (SELECT 1 FROM login_failures f WHERE f.scope = s.scope) AS idle
        FROM login_throttle_scopes s WHERE s.scope > ${after} ORDER BY s.scope LIMIT ${batch}`.execute(
        db,
      )
    ).rows
    const idle = page.filter((r) => Number(r.idle) === 1).map((r) => r.scope)
    if (idle.length > 0) {
      const r = await db
        .deleteFrom('login_throttle_scopes')
        .where('scope', 'in', idle)
        .executeTakeFirst()
      scopes += Number(r.numDeletedRows)
    }
    if (page.length < batch) break
    after = page.at(-1)!.scope
  }
  return { failures, scopes }
}
