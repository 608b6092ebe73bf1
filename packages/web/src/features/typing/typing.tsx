import { TYPING_REPEAT_MS, type Chat } from '@messenger/shared'
import { useCallback, useRef, useSyncExternalStore } from 'react'
import { useI18n } from '../../lib/i18n'
import { trpc } from '../../lib/trpc'
import { subscribeTyping, typersOf } from './typing-store'

export const useTypers = (chatId: string) =>
  useSyncExternalStore(subscribeTyping, () => typersOf(chatId))

/** "Ann is typing…", "Ann and Bob are typing…", "3 people are typing…"; null when nobody is. */
export const useTypingText = (chat: Chat | undefined, chatId: string) => {
  const { t } = useI18n()
  const ids = useTypers(chatId)
  if (ids.length === 0 || !chat) return null
  const name = (id: string) => chat.members.find((m) => m.id === id)?.firstName ?? '…'
  if (ids.length === 1) return t('typingOne', { name: name(ids[0]!) })
  if (ids.length === 2) return t('typingTwo', { a: name(ids[0]!), b: name(ids[1]!) })
  return t('typingMany', { count: ids.length })
}

/**
 * `announce` is called on every keystroke: it tells the chat at most once per TYPING_REPEAT_MS,
 * so a fast typist costs one request every few seconds, and nothing once they stop. `sent`: the
 * message went out (the others stop showing it), so the next keystroke tells them again at once.
 */
export const useAnnounceTyping = (chatId: string) => {
  const last = useRef(0)
  const announce = useCallback(() => {
    const now = Date.now()
    if (now - last.current < TYPING_REPEAT_MS) return
    last.current = now
    trpc.chats.typing.mutate({ chatId }).catch(() => undefined)
  }, [chatId])
  const sent = useCallback(() => {
    last.current = 0
  }, [])
  return { announce, sent }
}
