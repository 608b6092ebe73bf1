import { existingAttachmentIds, sweepUnattached, usedAvatarIds } from '@messenger/db'
import type { Deps } from '../deps'

export interface SweepOptions {
  /** An upload no live message holds is removed once it is this old (abandoned or crashed). */
  unattachedAfterMs: number
  /** A file on disk without a row (a crash between the file and the row) after this long. */
  strayAfterMs: number
  /** Rows taken per transaction. */
  batch: number
}

export const SWEEP_DEFAULTS: SweepOptions = {
  unattachedAfterMs: 24 * 60 * 60 * 1000,
  strayAfterMs: 60 * 60 * 1000,
  batch: 200,
}

/** How often each instance sweeps, at a jittered moment of each period. */
export const SWEEP_INTERVAL_MS = 10 * 60 * 1000

/** How many of each were removed: rows (with their files) and files without a row. */
export type SweepReport = Record<
  'images' | 'files' | 'strayImages' | 'strayFiles' | 'strayAvatars',
  number
>

/** Ids of a storage listing in batches, so each batch costs one query. */
async function* batches<T>(items: AsyncGenerator<T>, size: number) {
  let batch: T[] = []
  for await (const item of items) {
    batch.push(item)
    if (batch.length === size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

/**
 * One pass: rows of images and files that no live message holds after `unattachedAfterMs`
 * (taken with SKIP LOCKED, so instances sweeping together share the work), then files on disk
 * that no row names after `strayAfterMs`: images and files without a row, avatars no user or
 * group shows, temporary files of uploads that died. Safe to run on every instance at once.
 */
export const sweepOnce = async (
  deps: Deps,
  options: Partial<SweepOptions> = {},
  now = new Date(),
): Promise<SweepReport> => {
  const o = { ...SWEEP_DEFAULTS, ...options }
  const report: SweepReport = {
    images: 0,
    files: 0,
    strayImages: 0,
    strayFiles: 0,
    strayAvatars: 0,
  }
  const before = new Date(now.getTime() - o.unattachedAfterMs)
  for (const table of ['images', 'files'] as const) {
    for (;;) {
      const ids = await sweepUnattached(deps.db, table, before, o.batch)
      const storage = table === 'images' ? deps.images : deps.files
      await Promise.all(ids.map((id) => storage.remove(id)))
      report[table] += ids.length
      if (ids.length < o.batch) break
    }
  }
  const strayBefore = now.getTime() - o.strayAfterMs
  const old = (x: { modifiedAt: Date }) => x.modifiedAt.getTime() < strayBefore

  for await (const batch of batches(deps.images.list(), o.batch)) {
    const candidates = batch.filter(old).map((x) => x.id)
    const known = await existingAttachmentIds(deps.db, 'images', candidates)
    const stray = candidates.filter((id) => !known.has(id))
    await Promise.all(stray.map((id) => deps.images.remove(id)))
    report.strayImages += stray.length
  }
  for await (const batch of batches(deps.files.list(), o.batch)) {
    const candidates = batch.filter(old)
    const known = await existingAttachmentIds(
      deps.db,
      'files',
      candidates.filter((x) => !x.temporary).map((x) => x.id),
    )
    const stray = candidates.filter((x) => x.temporary || !known.has(x.id))
    await Promise.all(stray.map((x) => deps.files.discard(x.path)))
    report.strayFiles += stray.length
  }
  for await (const batch of batches(deps.avatars.list(), o.batch)) {
    const candidates = batch.filter(old).map((x) => x.id)
    const used = await usedAvatarIds(deps.db, candidates)
    const stray = candidates.filter((id) => !used.has(id))
    await Promise.all(stray.map((id) => deps.avatars.remove(id)))
    report.strayAvatars += stray.length
  }
  return report
}
