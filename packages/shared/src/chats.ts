import { z } from 'zod'
import { id, isoDate } from './common'
import { message } from './messages'
import { avatar, publicUser } from './users'

export const MAX_GROUP_MEMBERS = 1000
/** Pinned chats are all shown at the top of the first page, so there are few of them. */
export const MAX_PINNED_CHATS = 10

export const chat = z.object({
  id,
  isDirect: z.boolean(),
  title: z.string(),
  /** The group's owner; null for a personal chat. An addition to API.md's Chat, for the client. */
  ownerId: id.nullable(),
  members: z.array(publicUser),
  lastMessage: message.nullable(),
  unreadCount: z.number().int(),
  /**
   * Unread messages that mention the caller with `@login` (beyond API.md), counted apart for the
   * @ badge; counted whether or not the chat is muted. Cleared by chats.markRead like unreadCount.
   */
  unreadMentions: z.number().int().optional(),
  /**
   * Read receipts: the furthest message any other member has read (in a personal chat, the other
   * person's read mark); the caller's own messages up to it are seen. Null: none read yet.
   */
  othersReadUpTo: id.nullable().optional(),
  /** The caller's own view of the chat (additions to API.md's Chat): see chats.setPreferences. */
  muted: z.boolean(),
  archived: z.boolean(),
  pinned: z.boolean(),
  /** A group's photo (beyond API.md); absent for none and for personal chats (show the person's). */
  avatar: avatar.optional(),
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
    /** The archive instead of the main list. The main list's first page starts with pinned chats. */
    archived: z.boolean().default(false),
  })
  .default({ limit: 30, archived: false })
export const addMembersInput = z.object({
  chatId: id,
  userIds: z.array(id).min(1, 'give at least one user').max(MAX_GROUP_MEMBERS),
})
export const removeMemberInput = z.object({ chatId: id, userId: id })
export const renameChatInput = z.object({ chatId: id, title: chatTitle })
export const setChatPreferencesInput = z
  .object({
    chatId: id,
    muted: z.boolean().optional(),
    /** Archiving unpins; pinning takes the chat out of the archive. */
    archived: z.boolean().optional(),
    pinned: z.boolean().optional(),
  })
  .refine((p) => p.muted !== undefined || p.archived !== undefined || p.pinned !== undefined, {
    message: 'give muted, archived or pinned',
  })
  .refine((p) => !(p.archived === true && p.pinned === true), {
    message: 'a chat cannot be pinned and archived at once',
    path: ['pinned'],
  })
export const markReadInput = z.object({ chatId: id, messageId: id })

export const chatPage = z.object({ items: z.array(chat), nextCursor: z.string().nullable() })
