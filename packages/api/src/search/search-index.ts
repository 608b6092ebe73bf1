import type { Executor } from '@messenger/db'

/** What an index holds of a message: enough to find it; the message itself is read from MySQL. */
export interface IndexedDoc {
  messageId: string
  chatId: string
  senderId: string
  /** Empty for an image-only message, kept so filters (sender, images, days) still find it. */
  text: string
  hasImage: boolean
  createdAt: Date
}

/**
 * One change derived from the event log. `version` is the id of the event it comes from, so a
 * change applied late never overwrites a newer one (Elasticsearch external versioning).
 */
export type IndexOp =
  /** `isNew`: the message's creation is its only event so far (nothing of it is indexed yet). */
  | { type: 'upsert'; doc: IndexedDoc; version: number; isNew?: boolean }
  | { type: 'delete'; messageId: string; chatId: string; version: number }
  | { type: 'deleteChat'; chatId: string }

export interface SearchQuery {
  userId: string
  /** Words to match; none (filters alone) lists the matching messages newest first. */
  query: string
  /** Only this chat (the caller is checked to be a member first). */
  chatId?: string
  limit: number
  senderId?: string
  hasImage?: boolean
  /** Sent at or after. */
  after?: Date
  /** Sent before. */
  before?: Date
}

export interface SearchHit {
  messageId: string
  /** The index's own highlighted snippet, or null to highlight `terms` in the stored text. */
  highlight: string | null
  terms: string[]
}

export type SearchHealth = { ok: true } | { ok: false; error: string }

/**
 * Where search looks: an index derived from the event log by the indexer (indexer.ts). The MySQL
 * adapter is the embedded default; Elasticsearch is used when ELASTICSEARCH_URL is set. Both pass
 * messages/contract.test.ts. Chats are filtered at query time by the caller's membership, so
 * joining or leaving a chat needs no reindexing.
 */
export interface SearchIndex {
  readonly backend: 'mysql' | 'elasticsearch'
  /** Its row in search_index_cursors. */
  readonly cursorName: string
  /** Creates or checks the index (mapping, settings); safe on every start. */
  init(): Promise<void>
  /**
   * Applies changes in order, idempotently. `db` is the indexer's claim transaction: the MySQL
   * adapter writes in it, so its postings and the cursor commit together.
   */
  apply(ops: readonly IndexOp[], db: Executor): Promise<void>
  /** Ids of matching messages in the caller's chats, best first. */
  search(q: SearchQuery): Promise<SearchHit[]>
  /** Indexed messages, in one chat or all (reindex progress, tests). */
  count(chatId?: string): Promise<number>
  /** Empties the index before a full rebuild (pnpm search:reindex). */
  reset(): Promise<void>
  health(): Promise<SearchHealth>
  close(): Promise<void>
}

/** The search backend cannot answer now (down, timing out, not initialized yet). */
export class SearchUnavailableError extends Error {
  override name = 'SearchUnavailableError'
}

/** The existing index does not have the mapping this version needs: `pnpm search:reindex`. */
export class SearchMappingError extends Error {
  override name = 'SearchMappingError'
}
