import { useSyncExternalStore } from 'react'
import type { Readable } from './errors'

/** One notice shown above the screens (e.g. "you were removed from …"), until dismissed. */
let current: Readable | null = null
const listeners = new Set<() => void>()

export const showNotice = (notice: Readable | null) => {
  current = notice
  for (const l of listeners) l()
}

export const useNotice = () =>
  useSyncExternalStore(
    (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    () => current,
  )

/** Chats this tab is leaving itself: their `chat.removed` is no news to announce. */
export const leavingChats = new Set<string>()
