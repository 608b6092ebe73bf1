import { z } from 'zod'
import { id } from './common'
import { chat } from './chats'
import { message } from './messages'

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
export type ChatEventType = ChatEvent['type']

export const eventsInput = z
  .object({ lastEventId: z.string().regex(/^\d+$/, 'lastEventId must be an event id').optional() })
  .default({})

/** `messages.head`: where a client that has seen nothing yet resumes the event stream from. */
export const eventsHead = z.object({ lastEventId: z.string().nullable() })
export type EventsHead = z.infer<typeof eventsHead>
