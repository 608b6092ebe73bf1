import type { Chat, Message, User } from '@messenger/shared'
import type { MessageKey } from '../../lib/i18n'

type Me = Pick<User, 'id' | 'login'>
type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string

/** What may follow a login inside a longer one: `@ann` is not `@anna` nor `@ann.lee`. */
const CONTINUES_LOGIN = /^([a-z0-9_]|[.-][a-z0-9_])/
/** What may stand before `@` in a word that is not a mention, e.g. an email address. */
const LOGIN_CHAR = /[a-z0-9_.-]/

/**
 * Whether the message mentions me: its text has `@<my login>` as a word, in any case (logins are
 * unique without regard to case). The one place to change when messages carry the server's own
 * list of mentioned people: prefer that list here and keep the text as the fallback.
 */
export const mentionsMe = (message: Pick<Message, 'text'>, me: Pick<User, 'login'>): boolean => {
  const text = message.text?.toLowerCase()
  if (!text) return false
  const needle = `@${me.login.toLowerCase()}`
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    const before = at === 0 ? '' : text.charAt(at - 1)
    if (LOGIN_CHAR.test(before)) continue
    if (!CONTINUES_LOGIN.test(text.slice(at + needle.length))) return true
  }
  return false
}

/**
 * Whether a new message deserves a notification (and the sound): never one's own (sent from
 * another tab or device) nor a deleted one; in a muted chat only a mention. `chat` is undefined
 * when the list does not have it yet (a chat just started by someone else): not muted, then.
 * Whether the tab is hidden and which tab shows it are decided elsewhere (notifier.ts).
 */
export const shouldNotify = (chat: Chat | undefined, message: Message, me: Me): boolean => {
  if (message.sender.id === me.id || message.deleted) return false
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
