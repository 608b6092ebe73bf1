import { sql, type Transaction } from 'kysely'
import type { Db } from '../client'
import type { Database } from '../database'

export type LoginAttemptReservation =
  /** One failure row per scope, written before the password is checked; released if it was not one. */
  | { reserved: true; ids: number[] }
  /** Some scope is full: no row written; `retryAt` is when its oldest failure leaves the window. */
  | { reserved: false; retryAt: Date }

/** One statement locks the scopes' rows in index order, so two attempts never wait on each other. */
const lockScopes = (trx: Transaction<Database>, scopes: string[]) =>
  trx
    .selectFrom('login_throttle_scopes')
    .select('scope')
    .where('scope', 'in', scopes)
    .forUpdate()
    .execute()

/**
 * Counts an attempt against every scope before the slow password check, unless a scope already
 * has `max` failures in the window. Each scope's row in login_throttle_scopes is locked for the
 * count and the insert, so concurrent attempts (on any server instance) are counted one after
 * another: 50 guesses at once reserve exactly `max` attempts, never more.
 */
export const reserveLoginAttempt = async (
  db: Db,
  scopes: string[],
  { max, windowMs }: { max: number; windowMs: number },
): Promise<LoginAttemptReservation> => {
  const known = await db
    .selectFrom('login_throttle_scopes')
    .select('scope')
    .where('scope', 'in', scopes)
    .execute()
  // One autocommit statement per missing scope: an insert that holds no other lock cannot deadlock.
  for (const scope of scopes.filter((s) => !known.some((k) => k.scope === s))) {
    await db.insertInto('login_throttle_scopes').ignore().values({ scope }).execute()
  }
  return db
    .transaction()
    .setIsolationLevel('read committed')
    .execute(async (trx) => {
      await lockScopes(trx, scopes)
      const since = new Date(Date.now() - windowMs)
      // Failures that left the window are never counted again; keeping the table small.
      await trx
        .deleteFrom('login_failures')
        .where('scope', 'in', scopes)
        .where('created_at', '<=', since)
        .execute()
      const counts = await trx
        .selectFrom('login_failures')
        .select([
          'scope',
          sql<number | string>`COUNT(*)`.as('failures'),
          sql<Date>`MIN(created_at)`.as('oldest'),
        ])
        .where('scope', 'in', scopes)
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
}

/**
 * A reserved attempt that was not a failure (the right password, or an error before the check):
 * its rows are deleted. With `clearScope`, all of that scope's failures go too — a successful
 * login clears its account's count. The scope rows are locked first, in the same single statement
 * as `reserveLoginAttempt` does, so a release and a reservation of the same scopes queue instead
 * of deadlocking on the failures' index.
 */
export const releaseLoginAttempt = async (
  db: Db,
  scopes: string[],
  ids: number[],
  clearScope?: string,
) => {
  await db
    .transaction()
    .setIsolationLevel('read committed')
    .execute(async (trx) => {
      await lockScopes(trx, scopes)
      if (ids.length > 0) await trx.deleteFrom('login_failures').where('id', 'in', ids).execute()
      if (clearScope !== undefined) {
        await trx.deleteFrom('login_failures').where('scope', '=', clearScope).execute()
      }
    })
}
