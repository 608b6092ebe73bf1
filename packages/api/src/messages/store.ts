import type { Executor } from '@messenger/db'

/** A message as a store keeps it; users and image URLs are joined in by the service. */
export interface StoredMessage {
  id: string
  chatId: string
  senderId: string
  clientId: string
  text: string | null
  imageIds: string[]
  createdAt: Date
  editedAt: Date | null
  deleted: boolean
}

export interface StoredSearchHit {
  message: StoredMessage
  highlight: string
}

/**
 * Where messages live: MySQL by default, Elasticsearch when ELASTICSEARCH_URL is set. Both pass
 * contract.test.ts. Writes take the MySQL transaction that records the matching event, so the
 * MySQL store commits message and event together; Elasticsearch writes inside it, before commit.
 */
export interface MessageStore {
  readonly kind: 'mysql' | 'elasticsearch'
  /** Creates the index or anything else the store needs; safe to call on every start. */
  init(): Promise<void>
  /** Inserts; when (senderId, clientId) exists already, answers the existing message instead. */
  create(trx: Executor, m: StoredMessage): Promise<{ message: StoredMessage; created: boolean }>
  getMany(ids: readonly string[]): Promise<StoredMessage[]>
  findByClientId(senderId: string, clientId: string): Promise<StoredMessage | null>
  /** Newest first; `before` is a message id (exclusive). */
  list(chatId: string, before: string | undefined, limit: number): Promise<StoredMessage[]>
  update(trx: Executor, m: StoredMessage): Promise<void>
  /** Others' live messages after `afterId` (all when null), counted up to `cap`. */
  countUnread(chatId: string, afterId: string | null, userId: string, cap: number): Promise<number>
  /** Fuzzy search in the chats `userId` belongs to (or in `chatId` alone), best first. */
  search(q: {
    userId: string
    query: string
    chatId?: string
    limit: number
  }): Promise<StoredSearchHit[]>
  /** Drops every message of a chat that no longer exists. */
  deleteChat(chatId: string): Promise<void>
  close(): Promise<void>
}
