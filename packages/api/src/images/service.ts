import { TRPCError } from '@trpc/server'
import { findImagesByIds, insertImage, type ImageRow } from '@messenger/db'
import { processImage } from '@messenger/images'
import type { Image } from '@messenger/shared'
import { z } from 'zod'
import type { Deps } from '../deps'
import { newId } from '../ids'
import { signImagePath, urlExpiry } from './signing'

const thumbnailsColumn = z.array(
  z.object({ size: z.number().int(), width: z.number().int(), height: z.number().int() }),
)

/** The API object for a stored image, with URLs signed for the current time bucket. */
export const toApiImage = (secret: string, row: ImageRow, now = new Date()): Image => {
  const expires = urlExpiry(now)
  const url = (version: string) => signImagePath(secret, row.id, version, expires)
  return {
    id: row.id,
    width: row.width,
    height: row.height,
    placeholder: row.placeholder,
    full: { url: url('full'), width: row.full_width, height: row.full_height },
    thumbnails: thumbnailsColumn
      .parse(JSON.parse(row.thumbnails))
      .sort((a, b) => a.size - b.size)
      .map((t) => ({ url: url(String(t.size)), width: t.width, height: t.height })),
  }
}

/**
 * Processes an upload (waiting for a decode slot), writes every version, then the row. The row is
 * the commit point: if anything fails, the files written so far are removed and nothing is stored.
 * Throws ImageError for input that is not an acceptable image.
 */
export const uploadImage = async (deps: Deps, ownerId: string, bytes: Buffer): Promise<Image> => {
  const processed = await deps.imageQueue.run(() =>
    processImage(bytes, { maxBytes: deps.config.maxUploadBytes }),
  )
  const id = newId()
  const versions = [
    { name: 'full', data: processed.full.data },
    ...processed.thumbnails.map((t) => ({ name: String(t.size), data: t.data })),
  ]
  const row: ImageRow = {
    id,
    owner_id: ownerId,
    input_format: processed.inputFormat,
    width: processed.width,
    height: processed.height,
    full_width: processed.full.width,
    full_height: processed.full.height,
    thumbnails: JSON.stringify(
      processed.thumbnails.map((t) => ({ size: t.size, width: t.width, height: t.height })),
    ),
    placeholder: processed.placeholder,
    stored_bytes: versions.reduce((n, v) => n + v.data.length, 0),
    created_at: new Date(),
  }
  try {
    await Promise.all(versions.map((v) => deps.images.write(id, v.name, v.data)))
    await insertImage(deps.db, row)
  } catch (e) {
    await deps.images.remove(id).catch((err: unknown) => {
      deps.log.warn({ err, imageId: id }, 'could not remove files of a failed upload')
    })
    throw e
  }
  return toApiImage(deps.config.jwtSecret, row)
}

/**
 * Images may be attached to a message only by whoever uploaded them; this keeps a sender from
 * turning someone else's image id into a signed URL for a chat of their choosing.
 */
export const assertOwnImages = async (
  deps: Deps,
  userId: string,
  imageIds: string[],
): Promise<void> => {
  if (imageIds.length === 0) return
  const rows = await findImagesByIds(deps.db, imageIds)
  const owners = new Map(rows.map((r) => [r.id, r.owner_id]))
  const unknown = imageIds.filter((id) => !owners.has(id))
  if (unknown.length > 0)
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `imageIds: no uploaded image with id ${unknown.join(', ')}`,
    })
  const foreign = imageIds.filter((id) => owners.get(id) !== userId)
  if (foreign.length > 0)
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `imageIds: only your own uploads can be sent (not ${foreign.join(', ')})`,
    })
}

/** API images with fresh signed URLs for these ids, fetched in one query; unknown ids are absent. */
export const resolveImages = async (
  deps: Deps,
  imageIds: string[],
): Promise<Map<string, Image>> => {
  const rows = await findImagesByIds(deps.db, imageIds)
  const now = new Date()
  return new Map(rows.map((r) => [r.id, toApiImage(deps.config.jwtSecret, r, now)]))
}
