import type { Transaction } from 'kysely'
import {
  appendEvents,
  findChat,
  listEventsBetween,
  listEventsSince,
  memberIdsOfChats,
  type Db,
  type Database,
  type StoredEventType,
} from '@messenger/db'
import type { ChatEvent, Message } from '@messenger/shared'
import { hydrateChats } from '../chats/hydrate'
import type { Deps } from '../deps'
import { hydrateMessages } from '../messages/hydrate'
import type { BusEvent } from './bus'
import { parseDetail, type EventDetail } from './detail'

/** An event to log with the change it announces. */
export interface EventDraft {
  chatId: string
  type: StoredEventType
  /** Who it is for, read inside the same transaction (under the chat's lock where members change). */
  audience: readonly string[]
  messageId?: string
  /** For one user only (their read mark, their removal): stored with the event for replay. */
  onlyFor?: string
  /** For `chat.read`: the new read mark, kept in the log's message column. */
  readMessageId?: string
  /** Logged with the event as JSON (a reaction's emoji and who). */
  detail?: EventDetail
}

/** An event committed to the log, to publish. */
export interface PendingEvent extends EventDraft {
  id: string
}

/**
 * Runs `work` in a transaction and appends the events it records at the very end: appendEvents
 * takes their ids from the commit-ordered counter and commits in the same round trip, so the
 * counter's lock is never held while this process does something else. Every transaction that
 * writes events goes through here (Kysely's COMMIT after it finds nothing left to commit).
 */
export const transactWithEvents = async <T>(
  db: Db,
  work: (trx: Transaction<Database>, record: (e: EventDraft) => void) => Promise<T>,
): Promise<{ result: T; events: PendingEvent[] }> =>
  db.transaction().execute(async (trx) => {
    const drafts: EventDraft[] = []
    const result = await work(trx, (e) => drafts.push(e))
    const ids = await appendEvents(
      trx,
      drafts.map((d) => ({
        chatId: d.chatId,
        type: d.type,
        messageId: d.messageId ?? d.readMessageId,
        userId: d.onlyFor,
        detail: d.detail && JSON.stringify(d.detail),
      })),
    )
    return { result, events: drafts.map((d, i) => ({ ...d, id: ids[i]! })) }
  })

/**
 * Hands committed events to the bus. Never waits on it: the log has them, and every instance
 * reads what its bus missed from there (events/sequencer.ts). Callers that hold the message
 * already pass it, so fan-out costs no extra reads.
 */
export const publishEvents = async (
  deps: Deps,
  events: readonly PendingEvent[],
  known: readonly Message[] = [],
) => {
  // The events are committed: the search indexer can take them now rather than at its next poll.
  if (events.length > 0) deps.indexer.wake()
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
    deps.bus.publish({
      id: e.id,
      chatId: e.chatId,
      type: e.type,
      audience: e.audience,
      ...(message && { message }),
      ...(e.readMessageId && { readMessageId: e.readMessageId }),
      ...(e.detail && { detail: e.detail }),
    })
  }
}

/**
 * Logged events in `(after, upTo]` as bus events, for an instance whose bus missed them: for all
 * current members of the chat, or for the one user an event is addressed to.
 */
export const loadBusEvents = async (
  deps: Deps,
  after: number,
  upTo: number,
): Promise<BusEvent[]> => {
  const rows = await listEventsBetween(deps.db, after, upTo)
  const [messages, members] = await Promise.all([
    deps.messages
      .getMany(rows.flatMap((r) => (r.message_id && isMessageEvent(r.type) ? [r.message_id] : [])))
      .then((m) => hydrateMessages(deps, m)),
    memberIdsOfChats(
      deps.db,
      rows.flatMap((r) => (r.user_id === null ? [r.chat_id] : [])),
    ),
  ])
  const byId = new Map(messages.map((m) => [m.id, m]))
  return rows.map((r) => {
    const message = r.message_id ? byId.get(r.message_id) : undefined
    return {
      id: r.id,
      chatId: r.chat_id,
      type: r.type,
      audience: r.user_id === null ? (members.get(r.chat_id) ?? []) : [r.user_id],
      ...(message && { message }),
      ...((r.type === 'chat.read' || r.type === 'chat.seen') &&
        r.message_id !== null && { readMessageId: r.message_id }),
      ...(r.detail !== null && { detail: parseDetail(r.detail) }),
    }
  })
}

/**
 * The event as `userId` sees it; null when it no longer applies (a message store lost it, or
 * `userId` is no longer a member: then nothing about the chat reaches them but its chat.removed).
 */
export const eventForUser = (
  deps: Deps,
  userId: string,
  e: {
    type: StoredEventType
    chatId: string
    message?: Message | undefined
    readMessageId?: string | undefined
    detail?: EventDetail | undefined
  },
): ChatEvent | null | Promise<ChatEvent | null> => {
  switch (e.type) {
    // Synchronous for messages: a message event reaches every member of a group at once. Its
    // audience was read with the event, in log order, so it holds no one who had left.
    case 'message.created':
    case 'message.updated':
    case 'message.deleted':
    case 'message.pinned':
    case 'message.unpinned':
      return e.message ? { type: e.type, message: e.message } : null
    case 'chat.removed':
      return { type: 'chat.removed', chatId: e.chatId }
    case 'chat.updated':
      return chatUpdatedFor(deps, userId, e.chatId)
    // What changed, not the whole chat: the reader's other tabs move their unread badge. The
    // replay query passes it only to a current member.
    case 'chat.read':
      return e.readMessageId
        ? { type: 'chat.read', chatId: e.chatId, lastReadMessageId: e.readMessageId }
        : null
    // Its detail is whole: no read, and one object for every member (sse.ts serializes it once).
    case 'message.reaction': {
      const d = e.detail
      if (!d || !('emoji' in d)) return null
      let event = sharedEvents.get(d)
      if (!event)
        sharedEvents.set(d, (event = { type: 'message.reaction', chatId: e.chatId, ...d }))
      return event
    }
    case 'message.hidden':
      return e.detail && 'hiddenMessageId' in e.detail
        ? { type: 'message.hidden', chatId: e.chatId, messageId: e.detail.hiddenMessageId }
        : null
    case 'chat.seen':
      return e.readMessageId && e.detail && 'readerId' in e.detail
        ? {
            type: 'chat.seen',
            chatId: e.chatId,
            userId: e.detail.readerId,
            lastReadMessageId: e.readMessageId,
          }
        : null
  }
}

/** The event built from a detail shared by all its audience, built once. */
const sharedEvents = new WeakMap<EventDetail, ChatEvent>()

/** Events that carry a whole message (a reaction's detail is enough on its own). */
const isMessageEvent = (type: StoredEventType) =>
  type.startsWith('message.') && type !== 'message.reaction' && type !== 'message.hidden'

/** The chat as it is now, for a member only: the event may be read after they left. */
const chatUpdatedFor = async (
  deps: Deps,
  userId: string,
  chatId: string,
): Promise<ChatEvent | null> => {
  const row = await findChat(deps.db, chatId)
  if (!row) return null
  const [chat] = await hydrateChats(deps, userId, [row])
  return chat?.members.some((m) => m.id === userId) ? { type: 'chat.updated', chat } : null
}

/** Logged events after `afterId` that `userId` may see, oldest first, ready to send. */
export const replayEvents = async (deps: Deps, userId: string, afterId: string, limit = 500) => {
  const rows = await listEventsSince(deps.db, userId, afterId, limit)
  const ids = rows.flatMap((r) => (r.message_id && isMessageEvent(r.type) ? [r.message_id] : []))
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
      ...((r.type === 'chat.read' || r.type === 'chat.seen') &&
        r.message_id !== null && { readMessageId: r.message_id }),
      ...(r.detail !== null && { detail: parseDetail(r.detail) }),
    })
    if (event) out.push({ id: r.id, event })
  }
  return { events: out, lastId: rows.at(-1)?.id ?? afterId, more: rows.length === limit }
}
