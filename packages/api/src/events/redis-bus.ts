import { Redis } from 'ioredis'
import { randomUUID } from 'node:crypto'
import {
  createAuthChangeHub,
  type EphemeralDelivery,
  createFanout,
  type AuthChange,
  type BusEvent,
  type BusOptions,
  type EventBus,
} from './bus'
import { createSequencer } from './sequencer'

/** A publish that Redis has not answered by then is given up (and logged): sends never wait. */
const PUBLISH_TIMEOUT_MS = 1000

/**
 * Fan-out across instances: every event goes through one Redis channel and each instance delivers
 * it to its own subscribers through its sequencer, which puts events in log order, drops the echo
 * of its own and reads from the log whatever Redis lost (an outage, a reconnect). Publishing
 * never waits: the publishing instance's own streams get the event at once, and a publish Redis
 * cannot take right now fails fast. The channel is named per database, so deployments sharing a
 * Redis do not hear each other.
 * Auth changes (ended sessions) go through a second channel; while the subscriber connection is
 * down the bus is not `live`, and losing or regaining it tells listeners to forget their caches.
 */
export const createRedisBus = async (
  url: string,
  database: string,
  o: BusOptions,
): Promise<EventBus> => {
  const CHANNEL = `messenger:events:${database}`
  const AUTH_CHANNEL = `messenger:auth:${database}`
  // Typing and presence: never logged, so an outage simply loses them (they expire anyway).
  const EPHEMERAL_CHANNEL = `messenger:ephemeral:${database}`
  const origin = randomUUID()
  const fanout = createFanout()
  const sequencer = await createSequencer({ ...o, deliver: fanout.deliver })
  const auth = createAuthChangeHub()
  let live = false
  // No offline queue and no retries: while Redis is away a publish fails at once instead of
  // piling up; the subscribers' sequencers find the event in the log.
  const pub = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: PUBLISH_TIMEOUT_MS,
  })
  const sub = new Redis(url, { lazyConnect: true })
  const down = { pub: false, sub: false, publishing: false }
  const onError = (which: 'pub' | 'sub') => (err: Error) => {
    if (!down[which]) o.log.warn({ err }, `redis ${which} connection lost`)
    down[which] = true
  }
  pub.on('error', onError('pub'))
  sub.on('error', onError('sub'))
  pub.on('ready', () => (down.pub = false))
  await Promise.all([pub.connect(), sub.connect()])
  sub.on('message', (channel: string, payload: string) => {
    try {
      if (channel === AUTH_CHANNEL) auth.emit(JSON.parse(payload) as AuthChange)
      else if (channel === EPHEMERAL_CHANNEL) {
        const e = JSON.parse(payload) as EphemeralDelivery & { origin: string }
        if (e.origin !== origin) fanout.deliverEphemeral(e)
      } else sequencer.accept(JSON.parse(payload) as BusEvent)
    } catch (err) {
      o.log.error({ err }, 'bad event on redis channel')
    }
  })
  await sub.subscribe(CHANNEL, AUTH_CHANNEL, EPHEMERAL_CHANNEL)
  live = true
  sub.on('close', () => {
    if (!live) return
    live = false
    auth.emit(null)
  })
  // ioredis reports ready before it has subscribed again: live once the subscription is back.
  // What was published meanwhile is in the log: the sequencer reads it from there.
  sub.on('ready', () => {
    sub.subscribe(CHANNEL, AUTH_CHANNEL, EPHEMERAL_CHANNEL).then(
      () => {
        if (down.sub) o.log.info('redis subscriber back; reading missed events from the log')
        down.sub = false
        void sequencer.checkNow()
        if (live) return
        live = true
        auth.emit(null)
      },
      (err: unknown) => o.log.error({ err }, 'resubscribing to redis failed'),
    )
  })
  return {
    publish: (e) => {
      sequencer.accept(e)
      pub.publish(CHANNEL, JSON.stringify(e)).then(
        () => (down.publishing = false),
        (err: unknown) => {
          // Once per outage: the log keeps every event, the other instances read it from there.
          if (!down.publishing) o.log.warn({ err, eventId: e.id }, 'publishing to redis failed')
          down.publishing = true
        },
      )
    },
    attach: fanout.attach,
    detach: fanout.detach,
    publishEphemeral: (e) => {
      fanout.deliverEphemeral(e)
      pub.publish(EPHEMERAL_CHANNEL, JSON.stringify({ ...e, origin })).catch(() => {
        // Lost with Redis away: typing and presence expire or are read again on their own.
      })
    },
    publishAuthChange: async (change) => {
      auth.emit(change)
      await pub.publish(AUTH_CHANNEL, JSON.stringify(change))
    },
    onAuthChange: auth.on,
    get live() {
      return live
    },
    ping: async () => {
      await pub.ping()
    },
    close: () => {
      sequencer.close()
      sub.disconnect()
      pub.disconnect()
      return Promise.resolve()
    },
  }
}
