import { fullName, type Message, type SystemEvent } from '@messenger/shared'
import type { Lang, MessageKey } from '../../lib/i18n'

type T = (key: MessageKey, vars?: Record<string, string | number>) => string

const lists = new Map<Lang, Intl.ListFormat>()
const listFormat = (lang: Lang) => {
  let f = lists.get(lang)
  if (!f) lists.set(lang, (f = new Intl.ListFormat(lang, { type: 'conjunction' })))
  return f
}

/** "Bob, Carl and 3 others"; "you" for the reader. */
const names = (t: T, lang: Lang, s: SystemEvent, myId: string) => {
  const named = s.users.map((u) => (u.id === myId ? t('sysYouObject') : fullName(u)))
  const rest = s.userCount - s.users.length
  return listFormat(lang).format(rest > 0 ? [...named, t('sysMore', { count: rest })] : named)
}

/**
 * A system message in the reader's language: "Ann added Bob", "You renamed the group to …". The
 * server sends only who and what (ids, names, titles), never words.
 */
export const systemText = (t: T, lang: Lang, m: Message, myId: string): string => {
  const s = m.system
  if (!s) return ''
  const me = m.sender.id === myId
  const actor = fullName(m.sender)
  const title = s.title ?? ''
  switch (s.kind) {
    case 'created':
      return me ? t('sysCreatedMe', { title }) : t('sysCreated', { actor, title })
    case 'added':
      return t(me ? 'sysAddedMe' : 'sysAdded', { actor, names: names(t, lang, s, myId) })
    case 'removed':
      return t(me ? 'sysRemovedMe' : 'sysRemoved', { actor, names: names(t, lang, s, myId) })
    case 'renamed':
      return me ? t('sysRenamedMe', { title }) : t('sysRenamed', { actor, title })
    case 'left':
      return me ? t('sysLeftMe') : t('sysLeft', { actor })
  }
}
