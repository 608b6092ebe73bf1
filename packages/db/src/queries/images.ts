import type { Db } from '../client'
import type { ImageRow, NewImageRow } from '../database'

export const insertImage = async (db: Db, row: NewImageRow) => {
  await db.insertInto('images').values(row).execute()
}

/** The rows for these ids in one query; unknown ids are simply absent. */
export const findImagesByIds = async (db: Db, ids: readonly string[]): Promise<ImageRow[]> => {
  if (ids.length === 0) return []
  return db
    .selectFrom('images')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute()
}
