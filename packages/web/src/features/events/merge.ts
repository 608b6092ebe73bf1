import type { Chat, Message } from '@messenger/shared'
import { mentionsMe } from '../notifications/should-notify'

/** One page of `messages.list`: newest first. */
export interface MessagePage {
  items: Message[]
  nextCursor: string | null
}

/** The shape TanStack Query keeps for an infinite query. */
export interface MessagePages {
  pages: MessagePage[]
  pageParams: unknown[]
}

const activity = (chat: Chat) => {
  const last = chat.lastMessage ? Date.parse(chat.lastMessage.createdAt) : 0
  return Math.max(Date.parse(chat.updatedAt), last)
}

/** Pinned chats first, then latest activity first, as `chats.list` orders them. */
export const sortChats = (chats: Chat[]) =>
  [...chats].sort(
    (a, b) =>
      Number(b.pinned) - Number(a.pinned) || activity(b) - activity(a) || b.id.localeCompare(a.id),
  )

export const upsertChat = (chats: Chat[], chat: Chat) =>
  sortChats([...chats.filter((c) => c.id !== chat.id), chat])

export const removeChat = (chats: Chat[], chatId: string) => chats.filter((c) => c.id !== chatId)

/**
 * The reader read `chatId` up to `lastReadMessageId` (maybe on another tab). Everything up to the
 * chat's last message read means no unread; otherwise answers null, and the caller refetches the
 * count (message ids are time-ordered, so they compare as strings).
 */
export const applyReadMark = (
  chats: Chat[],
  chatId: string,
  lastReadMessageId: string,
): Chat[] | null => {
  const chat = chats.find((c) => c.id === chatId)
  if (!chat) return chats
  if (chat.lastMessage && chat.lastMessage.id > lastReadMessageId) return null
  return chat.unreadCount === 0 && !chat.unreadMentions
    ? chats
    : chats.map((c) => (c.id === chatId ? { ...c, unreadCount: 0, unreadMentions: 0 } : c))
}

const sameMessage = (a: Message, b: Message) => a.id === b.id || a.clientId === b.clientId

export interface MessageContext {
  myId: string
  /** The chat on screen: its new messages are seen, so they do not count as unread. */
  openChatId: string | null
}

/**
 * Applies a created, edited or deleted message to the chat list: preview, order and unread count.
 * Returns null when the chat is not in the list (the caller refetches it).
 */
export const applyMessageToChats = (
  chats: Chat[],
  message: Message,
  kind: 'created' | 'updated',
  ctx: MessageContext,
): Chat[] | null => {
  const chat = chats.find((c) => c.id === message.chatId)
  if (!chat) return null
  if (kind === 'updated') {
    if (chat.lastMessage?.id !== message.id) return chats
    return chats.map((c) => (c.id === chat.id ? { ...c, lastMessage: message } : c))
  }
  if (chat.lastMessage && sameMessage(chat.lastMessage, message)) return chats
  const isNewer =
    !chat.lastMessage || Date.parse(message.createdAt) >= Date.parse(chat.lastMessage.createdAt)
  // An older message than the preview is one the server's count already has (a replayed event
  // that the list was loaded after).
  // System messages ("Ann added Bob") never count as unread, as on the server.
  const counts =
    isNewer && message.sender.id !== ctx.myId && ctx.openChatId !== chat.id && !message.system
  const me = chat.members.find((m) => m.id === ctx.myId)
  const mention = counts && me !== undefined && mentionsMe(message, me)
  return upsertChat(chats, {
    ...chat,
    lastMessage: isNewer ? message : chat.lastMessage,
    unreadCount: chat.unreadCount + (counts ? 1 : 0),
    unreadMentions: (chat.unreadMentions ?? 0) + (mention ? 1 : 0),
    updatedAt: isNewer && message.createdAt > chat.updatedAt ? message.createdAt : chat.updatedAt,
  })
}

/** A message from an event carries no reactions: those it had stay (deleted: none). */
const keepReactions = (old: Message, next: Message): Message =>
  next.reactions !== undefined || old.reactions === undefined
    ? next
    : { ...next, reactions: next.deleted ? [] : old.reactions }

/**
 * Puts a message into the loaded history. A known one (same id, or same clientId when our own
 * optimistic send races its event) is replaced in place; a new one goes where its time says.
 */
export const upsertMessage = (data: MessagePages, message: Message): MessagePages => {
  const known = data.pages.some((page) => page.items.some((m) => sameMessage(m, message)))
  if (known) {
    return {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        items: page.items.map((m) => (sameMessage(m, message) ? keepReactions(m, message) : m)),
      })),
    }
  }
  const first = data.pages[0] ?? { items: [], nextCursor: null }
  const items = [...first.items, message].sort(
    (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id.localeCompare(a.id),
  )
  return {
    pageParams: data.pageParams.length > 0 ? data.pageParams : [null],
    pages: [{ ...first, items }, ...data.pages.slice(1)],
  }
}

/** Delete for me: the message leaves the loaded history. */
export const removeMessage = (data: MessagePages, messageId: string): MessagePages => ({
  ...data,
  pages: data.pages.map((page) => ({
    ...page,
    items: page.items.filter((m) => m.id !== messageId),
  })),
})

/** Edits and deletions only touch messages already loaded; older ones arrive fresh when paged. */
export const replaceMessage = (data: MessagePages, message: Message): MessagePages => ({
  ...data,
  pages: data.pages.map((page) => ({
    ...page,
    items: page.items.map((m) => (m.id === message.id ? keepReactions(m, message) : m)),
  })),
})

/** All loaded messages, oldest first, for rendering. */
export const flattenPages = (data: MessagePages | undefined): Message[] =>
  data ? data.pages.flatMap((p) => p.items).reverse() : []
