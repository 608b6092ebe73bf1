import { findMentions, type Chat, type Message, type User } from '@messenger/shared'
import type { MessageKey } from '../../lib/i18n'

type Me = Pick<User, 'id' | 'login'>
type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string

/**
 * Whether the message mentions me: `@<my login>` in its text, in any case (logins are unique without
 * regard to case), found by the grammar the server stores mentions with (`findMentions`: not in an
 * email address, `@ann.` is `ann`, `@ann.lee` is someone else). A forward mentions nobody, as on
 * the server. Messages carry no list of their mentions (the server counts them per chat as
 * `Chat.unreadMentions`); were one added, this is the one place to prefer it.
 */
export const mentionsMe = (
  message: Pick<Message, 'text' | 'forwardedFrom'>,
  me: Pick<User, 'login'>,
): boolean => {
  if (!message.text || message.forwardedFrom) return false
  const login = me.login.toLowerCase()
  return findMentions(message.text).some((m) => m.login.toLowerCase() === login)
}

/**
 * Whether a new message deserves a notification (and the sound): never one's own (sent from
 * another tab or device) nor a deleted one; in a muted chat only a mention. `chat` is undefined
 * when the list does not have it yet (a chat just started by someone else): not muted, then.
 * Whether the tab is hidden and which tab shows it are decided in use-notifications.ts.
 */
export const shouldNotify = (chat: Chat | undefined, message: Message, me: Me): boolean => {
  // A system message ("Ann added Bob") is never unread, so it does not notify either.
  if (message.sender.id === me.id || message.deleted || message.system) return false
  if (chat?.muted) return mentionsMe(message, me)
  return true
}

const PREVIEW_CHARS = 100
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** The start of the text on one line, or "Photo" for images without text. */
export const previewText = (message: Pick<Message, 'text' | 'images'>, t: Translate): string => {
  const text = (message.text ?? '').replace(/\s+/g, ' ').trim()
  if (text === '') return message.images.length > 0 ? t('notifyPhoto') : ''
  // Cut between characters as people see them, never inside an emoji or a letter with marks.
  const chars = Array.from(graphemes.segment(text), (s) => s.segment)
  return chars.length > PREVIEW_CHARS ? `${chars.slice(0, PREVIEW_CHARS - 1).join('')}…` : text
}

export const senderName = (message: Pick<Message, 'sender'>) =>
  `${message.sender.firstName} ${message.sender.lastName}`.trim()

/**
 * Title and body of the notification: a personal chat is titled with the sender, a group with its
 * title and the sender before the preview. One tag per chat, so a burst (or a replay after a
 * reconnect) replaces that chat's notification instead of piling up.
 */
export const notificationContent = (chat: Chat | undefined, message: Message, t: Translate) => {
  const name = senderName(message)
  const text = previewText(message, t)
  const group = chat !== undefined && !chat.isDirect
  return {
    title: group ? chat.title : name,
    body: group ? t('notifyGroupBody', { name, text }) : text,
    tag: `chat:${message.chatId}`,
  }
}
