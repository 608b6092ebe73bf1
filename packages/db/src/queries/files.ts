import { sql, type Transaction } from 'kysely'
import type { Db } from '../client'
import type { Database, FileRow, NewFileRow } from '../database'
import type { Executor } from './chats'

export const insertFile = async (db: Db, row: NewFileRow) => {
  await db.insertInto('files').values(row).execute()
}

/** The rows for these ids in one query; unknown ids are simply absent. */
export const findFilesByIds = async (db: Executor, ids: readonly string[]): Promise<FileRow[]> =>
  ids.length === 0
    ? []
    : db
        .selectFrom('files')
        .selectAll()
        .where('id', 'in', [...new Set(ids)])
        .execute()

/**
 * A message stops holding its attachments (it was deleted): drops its links and, under lock, the
 * rows of every image and file no other live message holds. Answers the ids whose rows went, so
 * their files can be removed from disk once the transaction commits.
 */
export const releaseAttachments = async (
  trx: Transaction<Database>,
  messageId: string,
  attachmentIds: readonly string[],
): Promise<{ images: string[]; files: string[] }> => {
  await trx.deleteFrom('message_attachments').where('message_id', '=', messageId).execute()
  if (attachmentIds.length === 0) return { images: [], files: [] }
  const ids = [...new Set(attachmentIds)]
  // Locked first, so a concurrent release of the same attachment waits and then sees it gone.
  const [images, files] = await Promise.all([
    trx.selectFrom('images').select('id').where('id', 'in', ids).forUpdate().execute(),
    trx.selectFrom('files').select('id').where('id', 'in', ids).forUpdate().execute(),
  ])
  const held = new Set(
    (
      await trx
        .selectFrom('message_attachments as a')
        .innerJoin('messages as m', 'm.id', 'a.message_id')
        .select('a.attachment_id')
        .where('a.attachment_id', 'in', ids)
        .where('m.deleted', '=', 0)
        .execute()
    ).map((r) => r.attachment_id),
  )
  const gone = {
    images: images.map((r) => r.id).filter((id) => !held.has(id)),
    files: files.map((r) => r.id).filter((id) => !held.has(id)),
  }
  if (gone.images.length > 0)
    await trx.deleteFrom('images').where('id', 'in', gone.images).execute()
  if (gone.files.length > 0) await trx.deleteFrom('files').where('id', 'in', gone.files).execute()
  return gone
}

/**
 * Uploads older than `before` that no live message holds (abandoned, or whose messages went with
 * their chat), at most `limit` of one kind, locked with SKIP LOCKED so several instances sweeping
 * at once take different rows; their rows are deleted in the same transaction. Answers the ids.
 */
export const sweepUnattached = async (
  db: Db,
  table: 'images' | 'files',
  before: Date,
  limit: number,
): Promise<string[]> =>
  db.transaction().execute(async (trx) => {
    const r = await sql<{ id: string }>`
      SELECT t.id FROM ${sql.table(table)} t FORCE INDEX (${sql.raw(`${table}_created`)})
       WHERE t.created_at < ${before}
         AND NOT EXISTS (
           SELECT 1 FROM message_attachments a JOIN messages m ON m.id = a.message_id
            WHERE a.attachment_id = t.id AND m.deleted = 0)
       ORDER BY t.created_at LIMIT ${limit}
       FOR UPDATE SKIP LOCKED`.execute(trx)
    const ids = r.rows.map((row) => row.id)
    if (ids.length === 0) return []
    await trx.deleteFrom('message_attachments').where('attachment_id', 'in', ids).execute()
    await trx.deleteFrom(table).where('id', 'in', ids).execute()
    return ids
  })

/** Which of these ids still have an image or file row (for the sweep of files without one). */
export const existingAttachmentIds = async (
  db: Db,
  table: 'images' | 'files',
  ids: readonly string[],
): Promise<Set<string>> => {
  if (ids.length === 0) return new Set()
  const rows = await db
    .selectFrom(table)
    .select('id')
    .where('id', 'in', [...ids])
    .execute()
  return new Set(rows.map((r) => r.id))
}

/** Which of these avatar ids a user or a chat still shows. */
export const usedAvatarIds = async (db: Db, ids: readonly string[]): Promise<Set<string>> => {
  if (ids.length === 0) return new Set()
  const r = await sql<{ avatar_id: string }>`
    SELECT avatar_id FROM users WHERE avatar_id IN (${sql.join([...ids])})
    UNION SELECT avatar_id FROM chats WHERE avatar_id IN (${sql.join([...ids])})`.execute(db)
  return new Set(r.rows.map((row) => row.avatar_id))
}

/** Records that a message holds these images and files (a forward; sends do it in send_message). */
export const linkAttachments = async (
  trx: Executor,
  messageId: string,
  attachmentIds: readonly string[],
) => {
  if (attachmentIds.length === 0) return
  await trx
    .insertInto('message_attachments')
    .values([...new Set(attachmentIds)].map((id) => ({ attachment_id: id, message_id: messageId })))
    .ignore()
    .execute()
}
