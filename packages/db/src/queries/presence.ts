import { sql, type Transaction } from 'kysely'
import type { Db } from '../client'
import type { Database } from '../database'
import type { Executor } from './chats'

/**
 * Presence: a person is online while a stream of theirs is open on an instance whose heartbeat is
 * newer than `liveSince`. Changes of one person's presence serialize on their users row, so two
 * instances opening (or closing) their streams at once agree on who announces the change.
 */

/** Registers the instance, or refreshes its heartbeat; false when it had been swept as dead. */
export const touchPresenceInstance = async (db: Executor, id: string, now: Date) => {
  const r = await db
    .updateTable('presence_instances')
    .set({ seen_at: now })
    .where('id', '=', id)
    .executeTakeFirst()
  if (r.numUpdatedRows > 0n) return true
  await sql`INSERT INTO presence_instances (id, seen_at) VALUES (${id}, ${now})
    ON DUPLICATE KEY UPDATE seen_at = VALUES(seen_at)`.execute(db)
  return false
}

/** Stops counting an instance as live (on shutdown): the others sweep it at their next beat. */
export const expirePresenceInstance = (db: Executor, id: string) =>
  db
    .updateTable('presence_instances')
    .set({ seen_at: new Date(0) })
    .where('id', '=', id)
    .execute()

const lockUser = (trx: Transaction<Database>, userId: string) =>
  trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().executeTakeFirst()

/** Whether any live instance other than `exceptInstance` has a stream of the user. */
const onlineElsewhere = async (
  db: Executor,
  userId: string,
  exceptInstance: string,
  liveSince: Date,
) =>
  (await db
    .selectFrom('presence_streams as s')
    .innerJoin('presence_instances as i', 'i.id', 's.instance_id')
    .select('s.user_id')
    .where('s.user_id', '=', userId)
    .where('s.instance_id', '!=', exceptInstance)
    .where('i.seen_at', '>=', liveSince)
    .limit(1)
    .executeTakeFirst()) !== undefined

/**
 * The user's first stream on this instance opened: true when they were online nowhere before
 * (so someone should be told). False for an unknown user.
 */
export const presenceStreamOpened = (
  db: Db,
  o: { userId: string; instanceId: string; now: Date; liveSince: Date },
) =>
  db.transaction().execute(async (trx) => {
    if (!(await lockUser(trx, o.userId))) return false
    await sql`INSERT IGNORE INTO presence_streams (user_id, instance_id, since)
      VALUES (${o.userId}, ${o.instanceId}, ${o.now})`.execute(trx)
    return !(await onlineElsewhere(trx, o.userId, o.instanceId, o.liveSince))
  })

/**
 * The user's last stream on this instance closed (and stayed closed for the grace period): true
 * when they are now online nowhere, in which case `last_seen_at` is set to `now`.
 */
export const presenceStreamClosed = (
  db: Db,
  o: { userId: string; instanceId: string; now: Date; liveSince: Date },
) =>
  db.transaction().execute(async (trx) => {
    if (!(await lockUser(trx, o.userId))) return false
    await trx
      .deleteFrom('presence_streams')
      .where('user_id', '=', o.userId)
      .where('instance_id', '=', o.instanceId)
      .execute()
    if (await onlineElsewhere(trx, o.userId, o.instanceId, o.liveSince)) return false
    await trx.updateTable('users').set({ last_seen_at: o.now }).where('id', '=', o.userId).execute()
    return true
  })

/** Puts back the streams of an instance that was swept while it was alive (a long pause). */
export const restorePresenceStreams = async (
  db: Executor,
  instanceId: string,
  userIds: readonly string[],
  now: Date,
) => {
  if (userIds.length === 0) return
  await sql`INSERT IGNORE INTO presence_streams (user_id, instance_id, since)
    SELECT id, ${instanceId}, ${now} FROM users WHERE id IN (${sql.join([...userIds])})`.execute(db)
}

/**
 * Sweeps one instance whose heartbeat stopped before `liveSince` (claimed with SKIP LOCKED, so
 * two sweepers never share one), up to `batch` of its people at a time. Those not online
 * elsewhere get `last_seen_at` = the instance's last heartbeat and are answered, to be told
 * about. Null when there is no dead instance to sweep.
 */
export const sweepDeadPresenceInstance = (db: Db, liveSince: Date, batch: number) =>
  db.transaction().execute(async (trx) => {
    const dead = await trx
      .selectFrom('presence_instances')
      .select(['id', 'seen_at'])
      .where('seen_at', '<', liveSince)
      .orderBy('seen_at')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst()
    if (!dead) return null
    const users = (
      await trx
        .selectFrom('presence_streams')
        .select('user_id')
        .where('instance_id', '=', dead.id)
        .orderBy('user_id')
        .limit(batch)
        .execute()
    ).map((r) => r.user_id)
    if (users.length < batch) {
      await trx.deleteFrom('presence_instances').where('id', '=', dead.id).execute()
    }
    if (users.length === 0) return { offline: [], lastSeenAt: dead.seen_at }
    // In id order, as presenceStreamOpened takes them one at a time: no deadlock between them.
    await trx
      .selectFrom('users')
      .select('id')
      .where('id', 'in', users)
      .orderBy('id')
      .forUpdate()
      .execute()
    await trx
      .deleteFrom('presence_streams')
      .where('instance_id', '=', dead.id)
      .where('user_id', 'in', users)
      .execute()
    const stillOnline = new Set(
      (
        await trx
          .selectFrom('presence_streams as s')
          .innerJoin('presence_instances as i', 'i.id', 's.instance_id')
          .select('s.user_id')
          .where('s.user_id', 'in', users)
          .where('i.seen_at', '>=', liveSince)
          .execute()
      ).map((r) => r.user_id),
    )
    const offline = users.filter((u) => !stillOnline.has(u))
    if (offline.length > 0) {
      await trx
        .updateTable('users')
        .set({ last_seen_at: dead.seen_at })
        .where('id', 'in', offline)
        .where((eb) =>
          eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', dead.seen_at)]),
        )
        .execute()
    }
    return { offline, lastSeenAt: dead.seen_at }
  })

/**
 * Who hears of the user's presence: the other people of their personal chats (the chats whose
 * header and list row show it), who do not hide their own presence; nobody when the user hides
 * theirs. At most `limit` people.
 */
export const presenceAudience = async (db: Executor, userId: string, limit: number) =>
  (
    await sql<{ user_id: string }>`
      SELECT other.user_id FROM users subject
        JOIN chat_members mine ON mine.user_id = subject.id
        JOIN chats c ON c.id = mine.chat_id AND c.is_direct = 1
        JOIN chat_members other ON other.chat_id = mine.chat_id AND other.user_id <> subject.id
        JOIN users u ON u.id = other.user_id AND u.presence_hidden = 0
       WHERE subject.id = ${userId} AND subject.presence_hidden = 0
       LIMIT ${limit}`.execute(db)
  ).rows.map((r) => r.user_id)

export interface PresenceRow {
  id: string
  online: boolean
  lastSeenAt: Date | null
  hidden: boolean
}

/**
 * The presence of those of `userIds` who share a chat with `viewerId` (others are left out), and
 * whether each hides it. The caller applies the viewer's own choice.
 */
export const presenceOf = async (
  db: Executor,
  viewerId: string,
  userIds: readonly string[],
  liveSince: Date,
): Promise<PresenceRow[]> => {
  if (userIds.length === 0) return []
  const r = await sql<{
    id: string
    last_seen_at: Date | null
    presence_hidden: number
    online: number | string
  }>`
    SELECT u.id, u.last_seen_at, u.presence_hidden,
        EXISTS (SELECT 1 FROM presence_streams s JOIN presence_instances i ON i.id = s.instance_id
                 WHERE s.user_id = u.id AND i.seen_at >= ${liveSince}) AS online
      FROM users u
     WHERE u.id IN (${sql.join([...new Set(userIds)])})
       AND EXISTS (SELECT 1 FROM chat_members theirs
                     JOIN chat_members mine ON mine.chat_id = theirs.chat_id AND mine.user_id = ${viewerId}
                    WHERE theirs.user_id = u.id)`.execute(db)
  return r.rows.map((row) => ({
    id: row.id,
    online: Number(row.online) === 1,
    lastSeenAt: row.last_seen_at,
    hidden: row.presence_hidden === 1,
  }))
}

export const isPresenceHidden = async (db: Executor, userId: string) =>
  (
    await db
      .selectFrom('users')
      .select('presence_hidden')
      .where('id', '=', userId)
      .executeTakeFirst()
  )?.presence_hidden === 1

export const setPresenceHidden = (db: Executor, userId: string, hidden: boolean) =>
  db
    .updateTable('users')
    .set({ presence_hidden: hidden ? 1 : 0 })
    .where('id', '=', userId)
    .execute()

/** Whether the user is online now (a stream open on a live instance), and when last seen. */
export const presenceNow = async (db: Executor, userId: string, liveSince: Date) => {
  const r = await sql<{ last_seen_at: Date | null; online: number | string }>`
    SELECT u.last_seen_at,
        EXISTS (SELECT 1 FROM presence_streams s JOIN presence_instances i ON i.id = s.instance_id
                 WHERE s.user_id = u.id AND i.seen_at >= ${liveSince}) AS online
      FROM users u WHERE u.id = ${userId}`.execute(db)
  const row = r.rows[0]
  return { online: Number(row?.online ?? 0) === 1, lastSeenAt: row?.last_seen_at ?? null }
}
