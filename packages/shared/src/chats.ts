import { z } from 'zod'
import { id, isoDate } from './common'
import { message } from './messages'
import { publicUser } from './users'

export const MAX_GROUP_MEMBERS = 1000

export const chat = z.object({
  id,
  isDirect: z.boolean(),
  title: z.string(),
  /** The group's owner; null for a personal chat. An addition to API.md's Chat, for the client. */
  ownerId: id.nullable(),
  members: z.array(publicUser),
  lastMessage: message.nullable(),
  unreadCount: z.number().int(),
  createdAt: isoDate,
  updatedAt: isoDate,
})
export type Chat = z.infer<typeof chat>

const chatTitle = z
  .string()
  .trim()
  .min(1, 'title must not be empty')
  .max(100, 'title must be at most 100 characters')

export const chatIdInput = z.object({ chatId: id })
export const createDirectInput = z.object({ userId: id })
export const createGroupInput = z.object({
  title: chatTitle,
  memberIds: z.array(id).max(MAX_GROUP_MEMBERS),
})
export const listChatsInput = z
  .object({
    cursor: z.string().max(100).optional(),
    limit: z.number().int().min(1).max(100).default(30),
  })
  .default({ limit: 30 })
export const addMembersInput = z.object({
  chatId: id,
  userIds: z.array(id).min(1, 'give at least one user').max(MAX_GROUP_MEMBERS),
})
export const removeMemberInput = z.object({ chatId: id, userId: id })
export const renameChatInput = z.object({ chatId: id, title: chatTitle })
export const markReadInput = z.object({ chatId: id, messageId: id })

export const chatPage = z.object({ items: z.array(chat), nextCursor: z.string().nullable() })
