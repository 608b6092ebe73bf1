import { z } from 'zod'
import { id, isoDate } from './common'
import { chat } from './chats'
import { message } from './messages'
import { publicUser } from './users'

export const chatEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message.created'), message }),
  z.object({ type: z.literal('message.updated'), message }),
  z.object({ type: z.literal('message.deleted'), message }),
  /** Pinned or unpinned in its chat (the message as it is now); messages.pinned lists them. */
  z.object({ type: z.literal('message.pinned'), message }),
  z.object({ type: z.literal('message.unpinned'), message }),
  z.object({ type: z.literal('chat.updated'), chat }),
  z.object({ type: z.literal('chat.removed'), chatId: id }),
  /** The caller read `chatId` up to `lastReadMessageId` (on another tab or device, or this one). */
  z.object({ type: z.literal('chat.read'), chatId: id, lastReadMessageId: id }),
  /**
   * Read receipts: `userId` (another member) read `chatId` up to `lastReadMessageId`. Sent to the
   * other person of a personal chat, and in a group to those whose recent messages it covers.
   */
  z.object({ type: z.literal('chat.seen'), chatId: id, userId: id, lastReadMessageId: id }),
  /** Delete for me: the caller hid `messageId` of `chatId` (on this or another tab or device). */
  z.object({ type: z.literal('message.hidden'), chatId: id, messageId: id }),
  /**
   * `userId` set (`active`) or took back a reaction with `emoji`; `count` is how many have it now.
   * Apply in order: the last one for a message and emoji holds its count.
   */
  z.object({
    type: z.literal('message.reaction'),
    chatId: id,
    messageId: id,
    emoji: z.string(),
    userId: id,
    active: z.boolean(),
    count: z.number().int(),
  }),
])
export type ChatEvent = z.infer<typeof chatEvent>

/**
 * Ephemeral events: sent on the same stream but never logged, so they carry no event id (an SSE
 * message without `id:`), are never replayed and leave the client's `lastEventId` as it was.
 * `typing`: `userId` is typing in `chatId` (to the chat's other members; lasts TYPING_TTL_MS
 * unless repeated, and ends with a message from them). `presence`: `userId` came online or
 * went offline (to people who share a chat with them, unless they hide it).
 */
export const ephemeralEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('typing'), chatId: id, userId: id }),
  z.object({
    type: z.literal('presence'),
    userId: id,
    online: z.boolean(),
    lastSeenAt: isoDate.nullable(),
  }),
])
export type EphemeralEvent = z.infer<typeof ephemeralEvent>

/** Everything `messages.events` may send. */
export const streamEvent = z.union([chatEvent, ephemeralEvent])
export type StreamEvent = z.infer<typeof streamEvent>

/** A typing indicator lasts this long unless it is repeated. */
export const TYPING_TTL_MS = 6000
/** A client repeats `chats.typing` at most this often while someone keeps typing. */
export const TYPING_REPEAT_MS = 3000

export const typingInput = z.object({ chatId: id })

export const receiptsInput = z.object({ chatId: id, messageIds: z.array(id).max(100) })
export const receipts = z.object({
  items: z.array(z.object({ messageId: id, seenBy: z.number().int() })),
})
export const seenByInput = z.object({
  messageId: id,
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(50),
})
export const seenByPage = z.object({
  items: z.array(z.object({ user: publicUser, lastReadMessageId: id })),
  nextCursor: z.string().nullable(),
})
export type ChatEventType = ChatEvent['type']

export const eventsInput = z
  .object({ lastEventId: z.string().regex(/^\d+$/, 'lastEventId must be an event id').optional() })
  .default({})

/** `messages.head`: where a client that has seen nothing yet resumes the event stream from. */
export const eventsHead = z.object({ lastEventId: z.string().nullable() })
export type EventsHead = z.infer<typeof eventsHead>
