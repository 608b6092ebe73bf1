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
  /** Set for `chat.read`: the reader's new read mark. */
  readMessageId?: string
}

export type Listener = (e: BusEvent) => void

/** Sessions that ended and users whose profile changed, so every instance's caches and streams follow. */
export interface AuthChange {
  endedSessions?: string[]
  changedUsers?: string[]
}
/** `null`: changes may have been missed (the bus lost its connection), so forget what is cached. */
export type AuthChangeListener = (change: AuthChange | null) => void

export interface EventBus {
  publish(e: BusEvent): Promise<void>
  /** Calls `listener` for every event whose audience has `userId`; returns the unsubscribe. */
  subscribe(userId: string, listener: Listener): () => void
  /** Tells every instance, this one first and synchronously. */
  publishAuthChange(change: AuthChange): Promise<void>
  onAuthChange(listener: AuthChangeListener): () => void
  /** False while auth changes from other instances may be missed (Redis is disconnected). */
  readonly live: boolean
  close(): Promise<void>
}

/** Listeners of auth changes on this instance. */
export const createAuthChangeHub = () => {
  const listeners = new Set<AuthChangeListener>()
  return {
    emit: (change: AuthChange | null) => {
      for (const l of listeners) l(change)
    },
    on: (l: AuthChangeListener) => {
      listeners.add(l)
      return () => void listeners.delete(l)
    },
  }
}

/** Delivers to this process's subscribers; the Redis bus feeds it from other instances too. */
export const createLocalBus = (): EventBus & { deliver: (e: BusEvent) => void } => {
  const listeners = new Map<string, Set<Listener>>()
  const auth = createAuthChangeHub()
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
    publishAuthChange: (change) => {
      auth.emit(change)
      return Promise.resolve()
    },
    onAuthChange: auth.on,
    live: true,
    close: () => Promise.resolve(),
  }
}
