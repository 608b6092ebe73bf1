import type { Executor } from '@messenger/db'
import type { StoredSystemEvent } from './system'

/** A message as a store keeps it; users and image URLs are joined in by the service. */
export interface StoredMessage {
  id: string
  chatId: string
  senderId: string
  clientId: string
  text: string | null
  imageIds: string[]
  /** Attached files (POST /api/files), beside the images. */
  fileIds: string[]
  createdAt: Date
  editedAt: Date | null
  deleted: boolean
  /** The message of the same chat this one answers, if any. */
  replyToId: string | null
  /** A forward: the original message and its author (absent or null otherwise). */
  forwardedFromId?: string | null
  forwardedSenderId?: string | null
  /** Set on a system message (written by writeSystemMessage, never by create). */
  system: StoredSystemEvent | null
}

export type CreateOutcome =
  | { status: 'sent'; message: StoredMessage; eventId: string; members: readonly string[] }
  | { status: 'duplicate'; message: StoredMessage }
  | { status: 'not_member' }
  /** A personal chat with a deleted account: it takes no new messages. */
  | { status: 'closed' }

/**
 * Where messages live: MySQL, always, each change in one transaction with its event. Search is
 * a separate index derived from those events (packages/api/src/search).
 */
export interface MessageStore {
  /**
   * Stores a new message, moves its chat's activity and appends its `message.created` event;
   * answers the event id and the members it is for. When (senderId, clientId) exists already,
   * answers that message; when the sender is not a member (any more), stores nothing.
   */
  create(m: StoredMessage): Promise<CreateOutcome>
  getMany(ids: readonly string[]): Promise<StoredMessage[]>
  findByClientId(senderId: string, clientId: string): Promise<StoredMessage | null>
  /**
   * Newest first; `before` is a message id (exclusive). With `viewerId`, none unless they are a
   * member of the chat, and without the messages they deleted for themselves.
   */
  list(
    chatId: string,
    before: string | undefined,
    limit: number,
    viewerId?: string,
  ): Promise<StoredMessage[]>
  /** Writes an edit or a delete; takes the transaction that records its event. */
  update(trx: Executor, m: StoredMessage): Promise<void>
  /**
   * For each chat, others' live messages after `afterId` (all when null) that `userId` did not
   * delete for themselves, and apart those of them that mention `userId`, each counted up to
   * `cap`, in one round trip for the whole page; chats with none may be absent.
   */
  countUnread(
    chats: readonly { chatId: string; afterId: string | null }[],
    userId: string,
    cap: number,
  ): Promise<{ unread: Map<string, number>; mentions: Map<string, number> }>
  /** Drops every message of a chat, in the transaction that deletes the chat. */
  deleteChat(trx: Executor, chatId: string): Promise<void>
}
