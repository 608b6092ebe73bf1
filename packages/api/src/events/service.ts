import {
  findChat,
  insertEvent,
  listEventsSince,
  type Executor,
  type StoredEventType,
} from '@messenger/db'
import type { ChatEvent, Message } from '@messenger/shared'
import { hydrateChats } from '../chats/hydrate'
import type { Deps } from '../deps'
import { hydrateMessages } from '../messages/hydrate'
import type { BusEvent } from './bus'

/** An event written to the log inside the caller's transaction, to publish after commit. */
export interface PendingEvent {
  id: string
  chatId: string
  type: StoredEventType
  audience: string[]
  messageId?: string
  readMessageId?: string
}

export const recordEvent = async (
  trx: Executor,
  e: {
    chatId: string
    type: StoredEventType
    audience: string[]
    messageId?: string
    /** For `chat.read`: the new read mark, kept in the log's message column. */
    readMessageId?: string
    onlyFor?: string
  },
): Promise<PendingEvent> => {
  const logged = e.messageId ?? e.readMessageId
  const id = await insertEvent(trx, {
    chatId: e.chatId,
    type: e.type,
    ...(logged !== undefined && { messageId: logged }),
    ...(e.onlyFor !== undefined && { userId: e.onlyFor }),
  })
  return {
    id,
    chatId: e.chatId,
    type: e.type,
    audience: e.audience,
    ...(e.messageId && { messageId: e.messageId }),
    ...(e.readMessageId && { readMessageId: e.readMessageId }),
  }
}

/**
 * Publishes committed events; a bus failure is logged, since replay from the log still has them.
 * Callers that hold the message already pass it, so fan-out costs no extra reads.
 */
export const publishEvents = async (
  deps: Deps,
  events: readonly PendingEvent[],
  known: readonly Message[] = [],
) => {
  const have = new Map(known.map((m) => [m.id, m]))
  const missing = events.flatMap((e) =>
    e.messageId && !have.has(e.messageId) ? [e.messageId] : [],
  )
  if (missing.length > 0) {
    for (const m of await hydrateMessages(deps, await deps.messages.getMany(missing)))
      have.set(m.id, m)
  }
  for (const e of events) {
    const message = e.messageId ? have.get(e.messageId) : undefined
    const busEvent: BusEvent = {
      id: e.id,
      chatId: e.chatId,
      type: e.type,
      audience: e.audience,
      ...(message && { message }),
      ...(e.readMessageId && { readMessageId: e.readMessageId }),
    }
    await deps.bus.publish(busEvent).catch((err: unknown) => {
      deps.log.error({ err, eventId: e.id }, 'publishing an event failed')
    })
  }
}

/** The event as `userId` sees it; null when it no longer applies (a message store lost it). */
export const eventForUser = (
  deps: Deps,
  userId: string,
  e: {
    type: StoredEventType
    chatId: string
    message?: Message | undefined
    readMessageId?: string | undefined
  },
): ChatEvent | null | Promise<ChatEvent | null> => {
  switch (e.type) {
    // Synchronous for messages: a message event reaches every member of a group at once.
    case 'message.created':
    case 'message.updated':
    case 'message.deleted':
      return e.message ? { type: e.type, message: e.message } : null
    case 'chat.removed':
      return { type: 'chat.removed', chatId: e.chatId }
    case 'chat.updated':
      return chatUpdatedFor(deps, userId, e.chatId)
    // What changed, not the whole chat: the reader's other tabs move their unread badge.
    case 'chat.read':
      return e.readMessageId
        ? { type: 'chat.read', chatId: e.chatId, lastReadMessageId: e.readMessageId }
        : null
  }
}

const chatUpdatedFor = async (
  deps: Deps,
  userId: string,
  chatId: string,
): Promise<ChatEvent | null> => {
  const row = await findChat(deps.db, chatId)
  if (!row) return null
  const [chat] = await hydrateChats(deps, userId, [row])
  return chat ? { type: 'chat.updated', chat } : null
}

/** Logged events after `afterId` that `userId` may see, oldest first, ready to send. */
export const replayEvents = async (deps: Deps, userId: string, afterId: string, limit = 500) => {
  const rows = await listEventsSince(deps.db, userId, afterId, limit)
  const ids = rows.flatMap((r) =>
    r.message_id && r.type.startsWith('message.') ? [r.message_id] : [],
  )
  const messages = new Map(
    (await hydrateMessages(deps, await deps.messages.getMany(ids))).map((m) => [m.id, m]),
  )
  const out: { id: string; event: ChatEvent }[] = []
  for (const r of rows) {
    const message = r.message_id ? messages.get(r.message_id) : undefined
    const event = await eventForUser(deps, userId, {
      type: r.type,
      chatId: r.chat_id,
      ...(message && { message }),
      ...(r.type === 'chat.read' && r.message_id !== null && { readMessageId: r.message_id }),
    })
    if (event) out.push({ id: r.id, event })
  }
  return { events: out, lastId: rows.at(-1)?.id ?? afterId, more: rows.length === limit }
}
