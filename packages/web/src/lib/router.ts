import { useSyncExternalStore } from 'react'

export type Route =
  | { name: 'home' }
  | { name: 'chat'; chatId: string; messageId: string | null }
  | { name: 'search' }
  | { name: 'settings' }
  | { name: 'profile'; userId: string }

export const parseRoute = (pathname: string, search: string): Route => {
  const chat = /^\/chats\/([^/]+)\/?$/.exec(pathname)
  if (chat?.[1]) {
    return {
      name: 'chat',
      chatId: decodeURIComponent(chat[1]),
      messageId: new URLSearchParams(search).get('message'),
    }
  }
  const person = /^\/people\/([^/]+)\/?$/.exec(pathname)
  if (person?.[1]) return { name: 'profile', userId: decodeURIComponent(person[1]) }
  if (pathname === '/search') return { name: 'search' }
  if (pathname === '/settings') return { name: 'settings' }
  return { name: 'home' }
}

const listeners = new Set<() => void>()
const subscribe = (l: () => void) => {
  listeners.add(l)
  window.addEventListener('popstate', l)
  return () => {
    listeners.delete(l)
    window.removeEventListener('popstate', l)
  }
}
const snapshot = () => window.location.pathname + window.location.search

export const navigate = (path: string, { replace = false } = {}) => {
  if (path === snapshot()) return
  if (replace) window.history.replaceState(null, '', path)
  else window.history.pushState(null, '', path)
  for (const l of listeners) l()
}

export const chatPath = (chatId: string, messageId?: string) =>
  `/chats/${encodeURIComponent(chatId)}${messageId ? `?message=${encodeURIComponent(messageId)}` : ''}`

/** A person's profile. */
export const profilePath = (userId: string) => `/people/${encodeURIComponent(userId)}`

/** The search screen; its query and the chat it is narrowed to live in the address. */
export const searchPath = (query = '', chatId: string | null = null) => {
  const params = new URLSearchParams()
  if (query !== '') params.set('q', query)
  if (chatId !== null) params.set('chat', chatId)
  const s = params.toString()
  return s === '' ? '/search' : `/search?${s}`
}

/** The current route; re-renders on navigation. */
export const useRoute = (): Route => {
  const path = useSyncExternalStore(subscribe, snapshot)
  const url = new URL(path, window.location.origin)
  return parseRoute(url.pathname, url.search)
}
