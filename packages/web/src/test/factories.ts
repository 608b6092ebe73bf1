import type { Chat, Message, PublicUser } from '@messenger/shared'

let n = 0
const uuid = () => {
  n++
  return `00000000-0000-7000-8000-${n.toString().padStart(12, '0')}`
}

export const user = (firstName: string): PublicUser => ({
  id: uuid(),
  login: firstName.toLowerCase(),
  firstName,
  lastName: 'Test',
})

export const message = (
  chatId: string,
  sender: PublicUser,
  text: string,
  createdAt: string,
  overrides: Partial<Message> = {},
): Message => ({
  id: uuid(),
  chatId,
  clientId: uuid(),
  sender,
  text,
  images: [],
  createdAt,
  editedAt: null,
  deleted: false,
  ...overrides,
})

export const chat = (
  title: string,
  members: PublicUser[],
  overrides: Partial<Chat> = {},
): Chat => ({
  id: uuid(),
  isDirect: members.length === 2,
  title,
  ownerId: null,
  members,
  lastMessage: null,
  unreadCount: 0,
  muted: false,
  archived: false,
  pinned: false,
  createdAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-01T10:00:00.000Z',
  ...overrides,
})
