/**
 * Listeners by key (a user, a session). Almost every key has one listener (one stream), so a lone
 * listener is stored as it is and a Set is made only for a second: a Set and its table are about
 * 150 bytes, and an idle stream holds several such registrations. Removal is by key and listener,
 * not by a closure handed back: a closure and its scope per registration were a tenth of an idle
 * stream's heap.
 */
export const createKeyedListeners = <L>() => {
  const byKey = new Map<string, L | Set<L>>()
  const isSet = (v: L | Set<L>): v is Set<L> => v instanceof Set

  return {
    /** Adds `listener` under `key` (once: adding it again changes nothing). */
    add(key: string, listener: L) {
      const now = byKey.get(key)
      if (now === undefined) byKey.set(key, listener)
      else if (isSet(now)) now.add(listener)
      else if (now !== listener) byKey.set(key, new Set([now, listener]))
    },
    /** Removes `listener` from under `key`, if it is there. */
    remove(key: string, listener: L) {
      const v = byKey.get(key)
      if (v === listener) byKey.delete(key)
      else if (v !== undefined && isSet(v)) {
        v.delete(listener)
        if (v.size === 0) byKey.delete(key)
      }
    },
    /** Calls each listener under `key`; allocates nothing (one event reaches 1,000 members). */
    each(key: string, call: (listener: L) => void) {
      const v = byKey.get(key)
      if (v === undefined) return
      if (!isSet(v)) call(v)
      // A Set's iteration skips a listener removed meanwhile: one may remove itself.
      else for (const l of v) call(l)
    },
    /** Removes every listener under `key` and returns them. */
    take(key: string): L[] {
      const v = byKey.get(key)
      byKey.delete(key)
      return v === undefined ? [] : isSet(v) ? [...v] : [v]
    },
    keys: () => byKey.keys(),
  }
}
