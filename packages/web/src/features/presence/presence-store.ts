import type { Presence } from '@messenger/shared'

/** Who is online, as last heard (users.presence, then presence events); outside the query cache. */
const known = new Map<string, Presence>()
const listeners = new Set<() => void>()

const changed = () => {
  for (const l of listeners) l()
}

export const notePresence = (items: readonly Presence[]) => {
  let moved = false
  for (const p of items) {
    const was = known.get(p.userId)
    if (was?.online === p.online && was.lastSeenAt === p.lastSeenAt) continue
    known.set(p.userId, p)
    moved = true
  }
  if (moved) changed()
}

export const subscribePresence = (l: () => void) => {
  listeners.add(l)
  return () => void listeners.delete(l)
}

/** The same object until it changes (for useSyncExternalStore). */
export const presenceOf = (userId: string | undefined) =>
  userId === undefined ? undefined : known.get(userId)

/** Forgets everything (signing out). */
export const resetPresence = () => {
  known.clear()
  changed()
}
