import { TRPCError } from '@trpc/server'
import { findFilesByIds, insertFile, type FileRow } from '@messenger/db'
import { MAX_FILE_NAME_LENGTH, type FileAttachment } from '@messenger/shared'
import type { Readable } from 'node:stream'
import type { Deps } from '../deps'
import { newId } from '../ids'
import { createUrlSigner, urlExpiry } from '../images/signing'
import { parseMultipart } from '../multipart'
import { safeContentType, safeFileName } from './upload'

/** `/api/files/<id>?e=<expiry>&s=<signature>`: signed like image URLs, with a key of its own. */
export const signFilePath = (secret: string, id: string, expires: number) =>
  `/api/files/${id}?${createUrlSigner(secret, 'file').query(id, 'file', expires)}`

export const toApiFile = (secret: string, row: FileRow, now = new Date()): FileAttachment => ({
  id: row.id,
  name: row.name,
  size: row.size,
  contentType: row.content_type,
  url: signFilePath(secret, row.id, urlExpiry(now)),
})

/**
 * Streams the upload of `req` to disk (never whole in memory), renames it into place, then writes
 * the row: the row is the commit point, so a row always has its file; a file left without a row
 * by a crash is removed by the sweep. Throws UploadError for a bad or too large body.
 */
export const uploadFile = async (
  deps: Deps,
  ownerId: string,
  req: Request,
): Promise<FileAttachment> => {
  const id = newId()
  const max = deps.config.maxFileBytes
  const { stored, info } = await parseMultipart(
    req,
    { maxBytes: max, noun: 'file', utf8Names: true },
    (stream: Readable) => deps.files.receive(id, stream),
  )
  const row: FileRow = {
    id,
    owner_id: ownerId,
    name: safeFileName(info.filename, MAX_FILE_NAME_LENGTH),
    content_type: safeContentType(info.mimeType),
    size: stored.bytes,
    created_at: new Date(),
  }
  try {
    await stored.commit()
    await insertFile(deps.db, row)
  } catch (e) {
    await stored.discard()
    await deps.files.remove(id).catch((err: unknown) => {
      deps.log.warn({ err, fileId: id }, 'could not remove the file of a failed upload')
    })
    throw e
  }
  return toApiFile(deps.config.jwtSecret, row)
}

/** Files may be attached only by whoever uploaded them (as images: see assertOwnImages). */
export const assertOwnFiles = async (deps: Deps, userId: string, fileIds: string[]) => {
  if (fileIds.length === 0) return
  const rows = await findFilesByIds(deps.db, fileIds)
  const owners = new Map(rows.map((r) => [r.id, r.owner_id]))
  const unknown = fileIds.filter((id) => !owners.has(id))
  if (unknown.length > 0)
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `fileIds: no uploaded file with id ${unknown.join(', ')}`,
    })
  const foreign = fileIds.filter((id) => owners.get(id) !== userId)
  if (foreign.length > 0)
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `fileIds: only your own uploads can be sent (not ${foreign.join(', ')})`,
    })
}

/** API files with fresh signed URLs, in one query; unknown (swept) ids are absent. */
export const resolveFiles = async (
  deps: Deps,
  fileIds: string[],
): Promise<Map<string, FileAttachment>> => {
  const rows = await findFilesByIds(deps.db, fileIds)
  const now = new Date()
  return new Map(rows.map((r) => [r.id, toApiFile(deps.config.jwtSecret, r, now)]))
}
