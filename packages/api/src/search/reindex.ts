import {
  advanceIndexCursor,
  countMessages,
  ensureIndexCursor,
  lastEventId,
  listMessagesAfter,
  lockIndexCursor,
  type Db,
} from '@messenger/db'
import type { IndexOp, SearchIndex } from './search-index'

/**
 * Rebuilds an index from MySQL: empties it (Elasticsearch: deletes and recreates it with the
 * current mapping), indexes every message in id order, then moves the cursor to the log's end as
 * it was at the start. The cursor stays locked meanwhile, so indexers wait instead of racing;
 * events logged during the rebuild are applied after it. Search sees a partial index until done.
 */
export const reindex = async (
  db: Db,
  index: SearchIndex,
  progress: (done: number, total: number) => void,
  batchSize = 1000,
) => {
  await ensureIndexCursor(db, index.cursorName)
  return db.transaction().execute(async (trx) => {
    await lockIndexCursor(trx, index.cursorName)
    // Every message is written as of now, with the version of the newest event so far: newer
    // events then win, older ones (already reflected) lose.
    const upTo = await lastEventId(db)
    await index.reset()
    const total = await countMessages(db)
    let after: string | null = null
    let done = 0
    progress(0, total)
    for (;;) {
      const rows = await listMessagesAfter(db, after, batchSize)
      if (rows.length === 0) break
      const ops = rows.flatMap((r): IndexOp[] =>
        // System messages ("Ann added Bob") are never searchable (see indexer.ts).
        r.deleted === 0 && r.system_event === null
          ? [
              {
                type: 'upsert',
                doc: {
                  messageId: r.id,
                  chatId: r.chat_id,
                  senderId: r.sender_id,
                  text: r.text ?? '',
                  hasImage: r.image_ids !== null,
                  createdAt: r.created_at,
                },
                version: upTo,
              },
            ]
          : [],
      )
      await index.apply(ops, db)
      after = rows.at(-1)!.id
      done += rows.length
      progress(done, Math.max(total, done))
    }
    await advanceIndexCursor(trx, index.cursorName, upTo)
    return { messages: done, upTo }
  })
}
