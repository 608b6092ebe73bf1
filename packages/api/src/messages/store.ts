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

export type CreateOutcome =
  | { status: 'sent'; message: StoredMessage; eventId: string; members: string[] }
  | { status: 'duplicate'; message: StoredMessage }
  | { status: 'not_member' }

export interface StoredSearchHit {
  message: StoredMessage
  highlight: string
}

export interface StoreSearchQuery {
  userId: string
  /** Words to match; none (filters alone) lists the matching messages newest first. */
  query: string
  chatId?: string
  limit: number
  senderId?: string
  hasImage?: boolean
  /** Sent at or after. */
  after?: Date
  /** Sent before. */
  before?: Date
}

/**
 * Where messages live: MySQL by default, Elasticsearch when ELASTICSEARCH_URL is set. Both pass
 * contract.test.ts. The chat's activity and the event log stay in MySQL: the MySQL store writes
 * them in the message's own transaction; Elasticsearch writes the message first and then them.
 */
export interface MessageStore {
  readonly kind: 'mysql' | 'elasticsearch'
  /** Creates the index or anything else the store needs; safe to call on every start. */
  init(): Promise<void>
  /**
   * Stores a new message, moves its chat's activity and appends its `message.created` event;
   * answers the event id and the members it is for. When (senderId, clientId) exists already,
   * answers that message; when the sender is not a member (any more), stores nothing.
   */
  create(m: StoredMessage): Promise<CreateOutcome>
  getMany(ids: readonly string[]): Promise<StoredMessage[]>
  findByClientId(senderId: string, clientId: string): Promise<StoredMessage | null>
  /** Newest first; `before` is a message id (exclusive). */
  list(chatId: string, before: string | undefined, limit: number): Promise<StoredMessage[]>
  /** Writes an edit or a delete; takes the transaction that records its event. */
  update(trx: Executor, m: StoredMessage): Promise<void>
  /**
   * For each chat, others' live messages after `afterId` (all when null), counted up to `cap`, in
   * one round trip for the whole page; chats with none may be absent.
   */
  countUnread(
    chats: readonly { chatId: string; afterId: string | null }[],
    userId: string,
    cap: number,
  ): Promise<Map<string, number>>
  /** Fuzzy search in the chats `userId` belongs to (or in `chatId` alone), best first. */
  search(q: StoreSearchQuery): Promise<StoredSearchHit[]>
  /** Drops every message of a chat that no longer exists. */
  deleteChat(chatId: string): Promise<void>
  close(): Promise<void>
}
