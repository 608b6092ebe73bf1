import type { ChatEvent, Message, ReactionSummary } from '@messenger/shared'
import type { MessagePages } from '../events/merge'

export type ReactionEvent = Extract<ChatEvent, { type: 'message.reaction' }>

/**
 * One reaction change applied to a message. The event's count is the server's count after it,
 * so applying events in order ends at the server's state whatever the page was loaded with.
 */
export const reactOnMessage = (m: Message, e: ReactionEvent, myId: string): Message => {
  const list = m.reactions ?? []
  const known = list.find((r) => r.emoji === e.emoji)
  const mine = e.userId === myId ? e.active : (known?.mine ?? false)
  let next: ReactionSummary[]
  if (e.count <= 0) next = list.filter((r) => r.emoji !== e.emoji)
  else if (known) {
    next = list.map((r) => (r.emoji === e.emoji ? { ...r, count: e.count, mine } : r))
  } else next = [...list, { emoji: e.emoji, count: e.count, mine }]
  return { ...m, reactions: next }
}

const mapMessage = (data: MessagePages, id: string, f: (m: Message) => Message): MessagePages => ({
  ...data,
  pages: data.pages.map((page) =>
    page.items.some((m) => m.id === id)
      ? { ...page, items: page.items.map((m) => (m.id === id ? f(m) : m)) }
      : page,
  ),
})

/** A live reaction change on a loaded message; others arrive with their page. */
export const applyReaction = (data: MessagePages, e: ReactionEvent, myId: string) =>
  mapMessage(data, e.messageId, (m) => reactOnMessage(m, e, myId))

/** The reactions the server answered for a message (after the caller's own change). */
export const setReactions = (data: MessagePages, messageId: string, reactions: ReactionSummary[]) =>
  mapMessage(data, messageId, (m) => ({ ...m, reactions }))

/** The caller's own change as the server will count it, shown before it answers. */
export const optimisticReaction = (
  m: Message,
  emoji: string,
  active: boolean,
  myId: string,
): ReactionEvent => {
  const known = m.reactions?.find((r) => r.emoji === emoji)
  const count = (known?.count ?? 0) + (known?.mine === active ? 0 : active ? 1 : -1)
  return {
    type: 'message.reaction',
    chatId: m.chatId,
    messageId: m.id,
    emoji,
    userId: myId,
    active,
    count,
  }
}
