import { findMessagesByIdsFor, lastVisibleMessages, listMembers, type ChatRow } from '@messenger/db'
import { fullName, type Chat, type PublicUser } from '@messenger/shared'
import type { Deps } from '../deps'
import { toAvatar } from '../avatars/signing'
import { toPublicUser } from '../mappers'
import { hydrateMessages } from '../messages/hydrate'
import { toStored } from '../messages/mysql-store'
import type { StoredMessage } from '../messages/store'

/** Unread counts stop here: the badge shows "999+" and a huge backlog costs no more to count. */
export const UNREAD_CAP = 1000

type ChatRecord = Pick<
  ChatRow,
  | 'id'
  | 'is_direct'
  | 'title'
  | 'owner_id'
  | 'member_count'
  | 'last_message_id'
  | 'created_at'
  | 'updated_at'
> &
  Partial<Pick<ChatRow, 'avatar_id'>>

/**
 * Each chat's last message as the viewer sees it: the chat's last one, unless they deleted it for
 * themselves; then the newest they did not (one more statement, only for such chats, often none).
 */
const lastMessagesFor = async (
  deps: Deps,
  viewerId: string,
  rows: readonly ChatRecord[],
): Promise<StoredMessage[]> => {
  const last = await findMessagesByIdsFor(
    deps.db,
    rows.flatMap((r) => (r.last_message_id ? [r.last_message_id] : [])),
    viewerId,
  )
  const visible = last.flatMap((m) => (m.hidden ? [] : [toStored(m.row)]))
  if (visible.length === last.length) return visible
  const instead = await lastVisibleMessages(
    deps.db,
    viewerId,
    last.flatMap((m) => (m.hidden ? [m.row.chat_id] : [])),
  )
  return [...visible, ...instead.map(toStored)]
}

/**
 * Chats as `viewerId` sees them: a personal chat is titled with the other person's name, a group
 * with its own title at any size; unread counts are the viewer's.
 */
export const hydrateChats = async (
  deps: Deps,
  viewerId: string,
  rows: readonly ChatRecord[],
): Promise<Chat[]> => {
  if (rows.length === 0) return []
  const [members, last] = await Promise.all([
    listMembers(
      deps.db,
      rows.map((r) => r.id),
    ),
    lastMessagesFor(deps, viewerId, rows),
  ])
  const membersOf = new Map<string, PublicUser[]>()
  const mine = new Map<string, (typeof members)[number]>()
  const othersRead = new Map<string, string>()
  for (const m of members) {
    const list = membersOf.get(m.chat_id) ?? []
    list.push(toPublicUser(m, deps.config.jwtSecret))
    membersOf.set(m.chat_id, list)
    if (m.id === viewerId) mine.set(m.chat_id, m)
    // Read receipts: the furthest any other member has read (ids are time-ordered).
    else if (m.last_read_message_id !== null) {
      const seen = othersRead.get(m.chat_id)
      if (seen === undefined || seen < m.last_read_message_id) {
        othersRead.set(m.chat_id, m.last_read_message_id)
      }
    }
  }
  // One query for the page, mentions counted apart in it; a chat without messages has nothing to count.
  const marks = rows.flatMap((r) =>
    r.last_message_id === null
      ? []
      : [{ chatId: r.id, afterId: mine.get(r.id)?.last_read_message_id ?? null }],
  )
  // The last messages' senders are mostly members already read: only others cost a query.
  const [lastMessages, { unread, mentions }] = await Promise.all([
    hydrateMessages(deps, last, [...membersOf.values()].flat()),
    deps.messages.countUnread(marks, viewerId, UNREAD_CAP),
  ])
  const lastByChat = new Map(lastMessages.map((m) => [m.chatId, m]))
  return rows.map((r) => {
    const list = membersOf.get(r.id) ?? []
    const isDirect = r.is_direct === 1
    const other = list.find((u) => u.id !== viewerId)
    const title =
      isDirect && other
        ? fullName(other)
        : (r.title ??
          list
            .filter((u) => u.id !== viewerId)
            .map(fullName)
            .join(', '))
    return {
      id: r.id,
      isDirect,
      title: title || 'Chat',
      ownerId: r.owner_id,
      members: list,
      lastMessage: lastByChat.get(r.id) ?? null,
      unreadCount: unread.get(r.id) ?? 0,
      unreadMentions: mentions.get(r.id) ?? 0,
      othersReadUpTo: othersRead.get(r.id) ?? null,
      muted: mine.get(r.id)?.muted === 1,
      archived: mine.get(r.id)?.archived === 1,
      pinned: (mine.get(r.id)?.pinned_at ?? null) !== null,
      ...(r.avatar_id && { avatar: toAvatar(deps.config.jwtSecret, r.avatar_id) }),
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    }
  })
}
