import { z } from 'zod'
import { id, isoDate, limit } from './common'
import { message } from './messages'

export const pinMessageInput = z.object({ messageId: id })

export const listPinnedInput = z.object({
  chatId: id,
  /** `nextCursor` of the previous page. */
  cursor: z.string().max(100).optional(),
  limit: limit(50, 20),
})

export const pinnedMessage = z.object({
  message,
  pinnedBy: id,
  pinnedAt: isoDate,
})
export type PinnedMessage = z.infer<typeof pinnedMessage>

/** The latest pinned first. */
export const pinnedPage = z.object({
  items: z.array(pinnedMessage),
  nextCursor: z.string().nullable(),
})
