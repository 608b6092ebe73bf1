import { z } from 'zod'
import { id, isoDate } from './common'
import { image, MAX_IMAGES_PER_MESSAGE } from './images'
import { publicUser } from './users'

export const MAX_TEXT_LENGTH = 4000

export const message = z.object({
  id,
  chatId: id,
  clientId: id,
  sender: publicUser,
  text: z.string().nullable(),
  images: z.array(image),
  createdAt: isoDate,
  editedAt: isoDate.nullable(),
  deleted: z.boolean(),
})
export type Message = z.infer<typeof message>

const messageText = z
  .string()
  .trim()
  .min(1, 'text must not be empty')
  .max(MAX_TEXT_LENGTH, `text must be at most ${MAX_TEXT_LENGTH} characters`)

export const sendMessageInput = z
  .object({
    chatId: id,
    clientId: id,
    text: messageText.optional(),
    imageIds: z
      .array(id)
      .max(MAX_IMAGES_PER_MESSAGE, `at most ${MAX_IMAGES_PER_MESSAGE} images`)
      .optional(),
  })
  .refine((v) => v.text !== undefined || (v.imageIds?.length ?? 0) > 0, {
    message: 'a message needs text or at least one image',
    path: ['text'],
  })
export type SendMessageInput = z.infer<typeof sendMessageInput>

export const listMessagesInput = z.object({
  chatId: id,
  before: id.optional(),
  limit: z.number().int().min(1).max(100).default(50),
})

export const editMessageInput = z.object({ messageId: id, text: messageText })
export const deleteMessageInput = z.object({ messageId: id })

export const searchMessagesInput = z.object({
  query: z.string().trim().min(1, 'query must not be empty').max(200),
  chatId: id.optional(),
  limit: z.number().int().min(1).max(50).default(20),
})

export const searchHit = z.object({ message, highlight: z.string() })

export const messagePage = z.object({ items: z.array(message), nextCursor: id.nullable() })
