import { fullName, type Chat, type PublicUser } from '@messenger/shared'
import type { MessageKey } from '../../lib/i18n'

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string

/** A person's name as shown, "Deleted account" in the reader's language for a deleted one. */
export const personName = (t: Translate, u: PublicUser) =>
  u.deleted ? t('deletedAccount') : fullName(u)

/** A chat's title as shown: a personal chat with a deleted account is titled in the reader's language. */
export const chatTitle = (t: Translate, chat: Chat, meId: string) => {
  if (chat.isDirect && chat.members.find((m) => m.id !== meId)?.deleted) return t('deletedAccount')
  return chat.title
}
