import {
  clearPostings,
  countPostedMessages,
  deleteChatPostings,
  indexMessages,
  searchMessageIds,
  type Db,
  type IndexedMessage,
} from '@messenger/db'
import type { SearchIndex } from './search-index'

/**
 * The embedded index in MySQL (packages/db/src/search): vocabulary, deletion variants, postings.
 * Its writes join the indexer's transaction, so the cursor never runs ahead of the postings.
 */
export const createMysqlIndex = (db: Db): SearchIndex => ({
  backend: 'mysql',
  cursorName: 'mysql',
  init: () => Promise.resolve(),

  async apply(ops, trx) {
    const messages = ops.flatMap((op): IndexedMessage[] =>
      op.type === 'upsert'
        ? [
            {
              messageId: op.doc.messageId,
              chatId: op.doc.chatId,
              text: op.doc.text || null,
              isNew: op.isNew,
            },
          ]
        : op.type === 'delete'
          ? [{ messageId: op.messageId, chatId: op.chatId, text: null }]
          : [],
    )
    await indexMessages(trx, messages)
    for (const op of ops) if (op.type === 'deleteChat') await deleteChatPostings(trx, op.chatId)
  },

  async search(q) {
    const hits = await searchMessageIds(db, q)
    return hits.map((h) => ({ messageId: h.messageId, highlight: null, terms: h.terms }))
  },

  count: (chatId) => countPostedMessages(db, chatId),
  reset: () => clearPostings(db),
  health: () => Promise.resolve({ ok: true }),
  close: () => Promise.resolve(),
})
