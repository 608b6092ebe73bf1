import type { StoredEventType } from '@messenger/db'
import type { EphemeralEvent, Message } from '@messenger/shared'
import type { Logger } from '../logger'
import type { EventDetail } from './detail'
import { createSequencer, type SequencerOptions } from './sequencer'
import { createKeyedListeners } from './listeners'

/** What travels between instances: the event log id, who may see it, and a ready message. */
export interface BusEvent {
  id: string
  chatId: string
  type: StoredEventType
  audience: readonly string[]
  /** Set for message events, so no instance has to read it back per subscriber. */
  message?: Message
  /** Set for `chat.read`: the reader's new read mark. */
  readMessageId?: string
  /** What the event carries beyond its message, as logged (see EventDetail). */
  detail?: EventDetail
}

/** An event that is never logged (typing, presence): handed to whoever is connected now. */
export interface EphemeralDelivery {
  audience: readonly string[]
  event: EphemeralEvent
}

/**
 * What a stream registers for its person: one object for both kinds of event, its methods on its
 * prototype, so a stream allocates no listener of its own (events/stream.ts).
 */
export interface Subscriber {
  /** Every event whose audience has the user, in id order, once each. */
  busEvent(e: BusEvent): void
  /** Every ephemeral event whose audience has the user, as it comes. */
  ephemeralEvent(e: EphemeralEvent): void
}

/** Sessions that ended and users whose profile changed, so every instance's caches and streams follow. */
export interface AuthChange {
  endedSessions?: string[]
  changedUsers?: string[]
}
/** `null`: changes may have been missed (the bus lost its connection), so forget what is cached. */
export type AuthChangeListener = (change: AuthChange | null) => void

export interface EventBus {
  /** Hands a committed event on; never waits and never throws (the log has the event anyway). */
  publish(e: BusEvent): void
  /** Hands `subscriber` the events and ephemeral events for `userId` until `detach`. */
  attach(userId: string, subscriber: Subscriber): void
  detach(userId: string, subscriber: Subscriber): void
  /** Hands an ephemeral event to its audience's streams on every instance; best effort. */
  publishEphemeral(e: EphemeralDelivery): void
  /** Tells every instance, this one first and synchronously. */
  publishAuthChange(change: AuthChange): Promise<void>
  onAuthChange(listener: AuthChangeListener): () => void
  /** False while auth changes from other instances may be missed (Redis is disconnected). */
  readonly live: boolean
  close(): Promise<void>
  /** Throws when the bus's backend (Redis) is unreachable; absent for the in-process bus. */
  ping?(): Promise<void>
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

/** This process's subscribers by user, for events and ephemeral events alike. */
export const createFanout = () => {
  const subscribers = createKeyedListeners<Subscriber>()
  return {
    deliver: (e: BusEvent) => {
      for (const userId of e.audience) subscribers.each(userId, (s) => s.busEvent(e))
    },
    deliverEphemeral: (e: EphemeralDelivery) => {
      for (const userId of e.audience) subscribers.each(userId, (s) => s.ephemeralEvent(e.event))
    },
    attach: (userId: string, s: Subscriber) => subscribers.add(userId, s),
    detach: (userId: string, s: Subscriber) => subscribers.remove(userId, s),
  }
}

export type BusOptions = Pick<SequencerOptions, 'head' | 'load' | 'gapMs' | 'pollMs'> & {
  log: Logger
}

/**
 * The in-process bus: events go through this instance's sequencer to its streams. Without Redis,
 * events written by another instance on the same database still arrive, from the log, within a
 * poll interval.
 */
export const createLocalBus = async (o: BusOptions): Promise<EventBus> => {
  const fanout = createFanout()
  const sequencer = await createSequencer({ ...o, deliver: fanout.deliver })
  const auth = createAuthChangeHub()
  return {
    publish: (e) => sequencer.accept(e),
    attach: fanout.attach,
    detach: fanout.detach,
    publishEphemeral: fanout.deliverEphemeral,
    publishAuthChange: (change) => {
      auth.emit(change)
      return Promise.resolve()
    },
    onAuthChange: auth.on,
    live: true,
    close: () => {
      sequencer.close()
      return Promise.resolve()
    },
  }
}
