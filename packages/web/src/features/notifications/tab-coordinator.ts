/**
 * Several tabs of the messenger each receive every event; only one may notify. The tab holding
 * the Web Lock `messenger.notifier` is that one (the lock passes to another tab when it closes),
 * and before notifying it asks the others over a BroadcastChannel whether one of them is on
 * screen: then the person sees the message there and nobody notifies.
 */

const LOCK = 'messenger.notifier'
const CHANNEL = 'messenger.notifier'
/** How long the notifying tab waits for a visible tab to answer. */
export const ASK_TIMEOUT_MS = 250

type Note = { type: 'ask'; id: string } | { type: 'visible'; id: string }

export interface TabCoordinator {
  /** True in the one tab that notifies. */
  isLeader: () => boolean
  /** Whether another tab of this browser is visible now. */
  anotherTabVisible: () => Promise<boolean>
  close: () => void
}

const isNote = (data: unknown): data is Note =>
  typeof data === 'object' &&
  data !== null &&
  'type' in data &&
  'id' in data &&
  (data.type === 'ask' || data.type === 'visible') &&
  typeof data.id === 'string'

export const startTabCoordinator = (
  isVisible: () => boolean = () => document.visibilityState === 'visible',
): TabCoordinator => {
  // Without Web Locks (old browsers) every tab notifies: better twice than never.
  let leader = typeof navigator.locks === 'undefined'
  const stop = new AbortController()
  let release: (() => void) | undefined
  if (!leader) {
    navigator.locks
      .request(LOCK, { signal: stop.signal }, () => {
        leader = true
        return new Promise<void>((done) => (release = done))
      })
      .catch(() => undefined) // aborted on close while waiting
  }

  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null
  const waiting = new Map<string, (visible: boolean) => void>()
  if (channel) {
    channel.onmessage = (e: MessageEvent<unknown>) => {
      const note = e.data
      if (!isNote(note)) return
      if (note.type === 'ask' && isVisible()) channel.postMessage({ type: 'visible', id: note.id })
      if (note.type === 'visible') waiting.get(note.id)?.(true)
    }
  }

  return {
    isLeader: () => leader,
    anotherTabVisible: () => {
      if (!channel) return Promise.resolve(false)
      const id = crypto.randomUUID()
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => answer(false), ASK_TIMEOUT_MS)
        const answer = (visible: boolean) => {
          clearTimeout(timer)
          waiting.delete(id)
          resolve(visible)
        }
        waiting.set(id, answer)
        channel.postMessage({ type: 'ask', id } satisfies Note)
      })
    },
    close: () => {
      stop.abort()
      release?.()
      leader = false
      channel?.close()
      for (const answer of waiting.values()) answer(false)
    },
  }
}
