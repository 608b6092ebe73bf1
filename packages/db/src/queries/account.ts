import { sql } from 'kysely'
import type { Db } from '../client'
import { closePersonalChatsOf, type Executor } from './chats'

/** A number in the first row of a procedure's first result set (CALL answers [resultSet, okPacket]). */
const firstNumber = (rows: unknown, column: string) =>
  Number((rows as Record<string, unknown>[][] | undefined)?.[0]?.[0]?.[column] ?? 0)

/** Whether the server's peppered hash matches the stored password of this (not deleted) user. */
export const checkPassword = async (db: Db, userId: string, secret: string) => {
  const r = await sql`CALL check_password(${userId}, ${secret})`.execute(db)
  return firstNumber(r.rows, 'matches') === 1
}

/**
 * Sets a new password when the old one matches, with a new random salt drawn in the database;
 * false (and nothing changed) when it does not.
 */
export const changePassword = async (
  db: Db,
  userId: string,
  oldSecret: string,
  newSecret: string,
) => {
  const r = await sql`CALL change_password(${userId}, ${oldSecret}, ${newSecret})`.execute(db)
  return firstNumber(r.rows, 'changed') === 1
}

export const findTotp = (db: Executor, userId: string) =>
  db
    .selectFrom('user_totp')
    .select(['secret_enc', 'enabled_at', 'last_step'])
    .where('user_id', '=', userId)
    .executeTakeFirst()

/** Stores a new pending secret, replacing an earlier pending one; false when TOTP is on already. */
export const savePendingTotp = async (db: Db, userId: string, secretEnc: string) => {
  await db
    .insertInto('user_totp')
    .values({ user_id: userId, secret_enc: secretEnc })
    .onDuplicateKeyUpdate({
      secret_enc: sql<string>`IF(enabled_at IS NULL, VALUES(secret_enc), secret_enc)`,
    })
    .execute()
  const row = await findTotp(db, userId)
  return row?.enabled_at === null && row.secret_enc === secretEnc
}

/**
 * Turns the pending secret on, taking `step` as its first used code, and stores the recovery
 * codes' hashes in place of any earlier ones; false when it was not pending (or the step was used).
 */
export const enableTotp = (db: Db, userId: string, step: number, codeHashes: readonly string[]) =>
  db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('user_totp')
      .set({ enabled_at: new Date(), last_step: step })
      .where('user_id', '=', userId)
      .where('enabled_at', 'is', null)
      .where('last_step', '<', step)
      .executeTakeFirst()
    if (r.numUpdatedRows === 0n) return false
    await trx.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute()
    await trx
      .insertInto('user_recovery_codes')
      .values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null })))
      .execute()
    return true
  })

/**
 * Accepts a code's time step once: a conditional UPDATE, so a code (or an older one) used a moment
 * ago — on any instance, at the same time — is refused.
 */
export const acceptTotpStep = async (db: Db, userId: string, step: number) => {
  const r = await db
    .updateTable('user_totp')
    .set({ last_step: step })
    .where('user_id', '=', userId)
    .where('enabled_at', 'is not', null)
    .where('last_step', '<', step)
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}

/** Spends a recovery code; false when it is unknown or spent. */
export const spendRecoveryCode = async (db: Db, userId: string, codeHash: string) => {
  const r = await db
    .updateTable('user_recovery_codes')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}

export const countRecoveryCodesLeft = async (db: Db, userId: string) =>
  Number(
    (
      await db
        .selectFrom('user_recovery_codes')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).n,
  )

export const disableTotp = (db: Db, userId: string) =>
  db.transaction().execute(async (trx) => {
    await trx.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute()
    await trx.deleteFrom('user_totp').where('user_id', '=', userId).execute()
  })

/** A person as a profile shows them, deleted or not; presence fields for the presence rules. */
export const findProfileUser = (db: Db, userId: string) =>
  db
    .selectFrom('users')
    .select([
      'id',
      'login',
      'first_name',
      'last_name',
      'deleted_at',
      'last_seen_at',
      'presence_hidden',
      'avatar_id',
    ])
    .where('id', '=', userId)
    .executeTakeFirst()

/** Whether two people are both members of some chat (chat_members_user, then the primary key). */
export const shareAChat = async (db: Db, a: string, b: string) =>
  (await db
    .selectFrom('chat_members as m')
    .innerJoin('chat_members as o', (j) =>
      j.onRef('o.chat_id', '=', 'm.chat_id').on('o.user_id', '=', b),
    )
    .select('m.chat_id')
    .where('m.user_id', '=', a)
    .limit(1)
    .executeTakeFirst()) !== undefined

/**
 * Chats both people are members of, keyset-paged by chat id (a range of chat_members_user for
 * `viewerId`, the primary key for the other).
 */
export const listSharedChats = (
  db: Db,
  viewerId: string,
  otherId: string,
  afterChatId: string | null,
  limit: number,
) =>
  db
    .selectFrom('chat_members as m')
    .innerJoin('chat_members as o', (j) =>
      j.onRef('o.chat_id', '=', 'm.chat_id').on('o.user_id', '=', otherId),
    )
    .innerJoin('chats', 'chats.id', 'm.chat_id')
    .select([
      'chats.id',
      'chats.is_direct',
      'chats.title',
      'chats.owner_id',
      'chats.member_count',
      'chats.last_message_id',
      'chats.created_at',
      'chats.updated_at',
    ])
    .where('m.user_id', '=', viewerId)
    .$if(afterChatId !== null, (q) => q.where('m.chat_id', '>', afterChatId!))
    .orderBy('m.chat_id')
    .limit(limit)
    .execute()

/**
 * A page of the user's chats of one kind, by chat id, with their other members (for deleting an
 * account: groups are left, personal chats' other people are told).
 */
export const chatsOfUserByKind = async (
  db: Db,
  userId: string,
  direct: boolean,
  afterChatId: string | null,
  limit: number,
) => {
  const rows = await db
    .selectFrom('chat_members as m')
    .innerJoin('chats', 'chats.id', 'm.chat_id')
    .select('m.chat_id')
    .where('m.user_id', '=', userId)
    .where('chats.is_direct', '=', direct ? 1 : 0)
    .$if(afterChatId !== null, (q) => q.where('m.chat_id', '>', afterChatId!))
    .orderBy('m.chat_id')
    .limit(limit)
    .execute()
  return rows.map((r) => r.chat_id)
}

/** Image ids in the user's messages, a page at a time (keyset on messages_client). */
export const imageIdsInMessagesOf = async (
  db: Db,
  senderId: string,
  afterClientId: string | null,
  limit: number,
) => {
  const rows = await db
    .selectFrom('messages')
    .select(['client_id', 'image_ids'])
    .where('sender_id', '=', senderId)
    .$if(afterClientId !== null, (q) => q.where('client_id', '>', afterClientId!))
    .orderBy('client_id')
    .limit(limit)
    .execute()
  return {
    imageIds: rows.flatMap((r) => (r.image_ids ? r.image_ids.split(',') : [])),
    last: rows.length === limit ? rows.at(-1)!.client_id : null,
  }
}

/** A page of the ids of images the user uploaded (images_owner). */
export const imageIdsOwnedBy = async (
  db: Db,
  ownerId: string,
  afterId: string | null,
  limit: number,
) =>
  (
    await db
      .selectFrom('images')
      .select('id')
      .where('owner_id', '=', ownerId)
      .$if(afterId !== null, (q) => q.where('id', '>', afterId!))
      .orderBy('id')
      .limit(limit)
      .execute()
  ).map((r) => r.id)

export const deleteImageRows = async (db: Db, ownerId: string, ids: readonly string[]) => {
  if (ids.length === 0) return
  await db
    .deleteFrom('images')
    .where('owner_id', '=', ownerId)
    .where('id', 'in', [...ids])
    .execute()
}

/**
 * Erases a deleted account's row: login and email become placeholders no one can register (they
 * fail the login and email rules), so the originals are free again; the names and the password go,
 * and no secret can match the empty hash. The row stays so messages keep their sender.
 */
export const eraseUser = (db: Db, userId: string, placeholder: { login: string; email: string }) =>
  db.transaction().execute(async (trx) => {
    await trx.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute()
    await trx.deleteFrom('user_totp').where('user_id', '=', userId).execute()
    const now = new Date()
    await trx
      .updateTable('sessions')
      .set({ revoked_at: now })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute()
    await trx
      .updateTable('users')
      .set({
        login: placeholder.login,
        email: placeholder.email,
        first_name: '',
        last_name: '',
        password_hash: '',
        password_salt: '',
        presence_hidden: 1,
        last_seen_at: null,
        // The photo's folder, no longer shown, is removed by the upload sweep (issue #14).
        avatar_id: null,
        deleted_at: now,
      })
      .where('id', '=', userId)
      .where('deleted_at', 'is', null)
      .execute()
    // With the erasure, so no message reaches the account after it is gone.
    await closePersonalChatsOf(trx, userId, now)
  })

/** The ids of the user's active sessions. */
export const activeSessionIds = async (db: Db, userId: string) =>
  (
    await db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute()
  ).map((r) => r.id)
