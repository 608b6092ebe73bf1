import { TYPING_TTL_MS } from '@messenger/shared'

/** Who is typing where, until when; ephemeral, so it lives outside the query cache. */
const typing = new Map<string, Map<string, number>>()
const listeners = new Set<() => void>()
const snapshots = new Map<string, string[]>()
const NONE: string[] = []

const changed = (chatId: string) => {
  snapshots.delete(chatId)
  for (const l of listeners) l()
}

const expire = (chatId: string) => {
  const now = Date.now()
  const inChat = typing.get(chatId)
  if (!inChat) return
  for (const [userId, until] of inChat) if (until <= now) inChat.delete(userId)
  if (inChat.size === 0) typing.delete(chatId)
  changed(chatId)
}

/** `userId` is typing in `chatId`: shown until TYPING_TTL_MS passes without a repeat. */
export const noteTyping = (chatId: string, userId: string, ttlMs = TYPING_TTL_MS) => {
  let inChat = typing.get(chatId)
  if (!inChat) typing.set(chatId, (inChat = new Map<string, number>()))
  inChat.set(userId, Date.now() + ttlMs)
  setTimeout(() => expire(chatId), ttlMs + 10)
  changed(chatId)
}

/** Their message arrived: they are done typing it. */
export const clearTyping = (chatId: string, userId: string) => {
  if (typing.get(chatId)?.delete(userId)) changed(chatId)
}

export const subscribeTyping = (l: () => void) => {
  listeners.add(l)
  return () => void listeners.delete(l)
}

/** The ids typing in a chat now, the same array until it changes (for useSyncExternalStore). */
export const typersOf = (chatId: string): string[] => {
  let snap = snapshots.get(chatId)
  if (!snap) {
    const ids = [...(typing.get(chatId)?.keys() ?? [])]
    snap = ids.length === 0 ? NONE : ids
    snapshots.set(chatId, snap)
  }
  return snap
}

/** Forgets everything (signing out). */
export const resetTyping = () => {
  typing.clear()
  snapshots.clear()
  for (const l of listeners) l()
}
