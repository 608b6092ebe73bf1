import { Redis } from 'ioredis'
import type { Logger } from '../logger'
import {
  createAuthChangeHub,
  createLocalBus,
  type AuthChange,
  type BusEvent,
  type EventBus,
} from './bus'

/**
 * Fan-out across instances: every event goes through one Redis channel and each instance delivers
 * it to its own subscribers. Durable replay does not depend on Redis: it reads the event log.
 * The channel is named per database, so deployments sharing a Redis do not hear each other.
 * Auth changes (ended sessions) go through a second channel; while the subscriber connection is
 * down the bus is not `live`, and losing or regaining it tells listeners to forget their caches.
 */
export const createRedisBus = async (
  url: string,
  database: string,
  log: Logger,
): Promise<EventBus> => {
  const CHANNEL = `messenger:events:${database}`
  const AUTH_CHANNEL = `messenger:auth:${database}`
  const local = createLocalBus()
  const auth = createAuthChangeHub()
  let live = false
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 })
  const sub = new Redis(url, { lazyConnect: true })
  await Promise.all([pub.connect(), sub.connect()])
  sub.on('message', (channel: string, payload: string) => {
    try {
      if (channel === AUTH_CHANNEL) auth.emit(JSON.parse(payload) as AuthChange)
      else local.deliver(JSON.parse(payload) as BusEvent)
    } catch (err) {
      log.error({ err }, 'bad event on redis channel')
    }
  })
  await sub.subscribe(CHANNEL, AUTH_CHANNEL)
  live = true
  sub.on('close', () => {
    if (!live) return
    live = false
    auth.emit(null)
  })
  // ioredis reports ready before it has subscribed again: live once the subscription is back.
  sub.on('ready', () => {
    sub.subscribe(CHANNEL, AUTH_CHANNEL).then(
      () => {
        if (live) return
        live = true
        auth.emit(null)
      },
      (err: unknown) => log.error({ err }, 'resubscribing to redis failed'),
    )
  })
  return {
    publish: async (e) => {
      await pub.publish(CHANNEL, JSON.stringify(e))
    },
    subscribe: (userId, listener) => local.subscribe(userId, listener),
    publishAuthChange: async (change) => {
      auth.emit(change)
      await pub.publish(AUTH_CHANNEL, JSON.stringify(change))
    },
    onAuthChange: auth.on,
    get live() {
      return live
    },
    close: async () => {
      sub.disconnect()
      await pub.quit()
    },
  }
}
