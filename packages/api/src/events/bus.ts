import type { StoredEventType } from '@messenger/db'
import type { Message } from '@messenger/shared'

/** What travels between instances: the event log id, who may see it, and a ready message. */
export interface BusEvent {
  id: string
  chatId: string
  type: StoredEventType
  audience: string[]
  /** Set for message events, so no instance has to read it back per subscriber. */
  message?: Message
}

export type Listener = (e: BusEvent) => void

export interface EventBus {
  publish(e: BusEvent): Promise<void>
  /** Calls `listener` for every event whose audience has `userId`; returns the unsubscribe. */
  subscribe(userId: string, listener: Listener): () => void
  close(): Promise<void>
}

/** Delivers to this process's subscribers; the Redis bus feeds it from other instances too. */
export const createLocalBus = (): EventBus & { deliver: (e: BusEvent) => void } => {
  const listeners = new Map<string, Set<Listener>>()
  const deliver = (e: BusEvent) => {
    for (const userId of e.audience) {
      for (const l of listeners.get(userId) ?? []) l(e)
    }
  }
  return {
    deliver,
    publish: (e) => {
      deliver(e)
      return Promise.resolve()
    },
    subscribe(userId, listener) {
      let set = listeners.get(userId)
      if (!set) listeners.set(userId, (set = new Set()))
      set.add(listener)
      return () => {
        set.delete(listener)
        if (set.size === 0) listeners.delete(userId)
      }
    },
    close: () => Promise.resolve(),
  }
}
