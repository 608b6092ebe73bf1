import { Redis } from 'ioredis'
import type { Logger } from '../logger'
import { createLocalBus, type BusEvent, type EventBus } from './bus'

/**
 * Fan-out across instances: every event goes through one Redis channel and each instance delivers
 * it to its own subscribers. Durable replay does not depend on Redis: it reads the event log.
 * The channel is named per database, so deployments sharing a Redis do not hear each other.
 */
export const createRedisBus = async (
  url: string,
  database: string,
  log: Logger,
): Promise<EventBus> => {
  const CHANNEL = `messenger:events:${database}`
  const local = createLocalBus()
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 })
  const sub = new Redis(url, { lazyConnect: true })
  await Promise.all([pub.connect(), sub.connect()])
  sub.on('message', (_channel: string, payload: string) => {
    try {
      local.deliver(JSON.parse(payload) as BusEvent)
    } catch (err) {
      log.error({ err }, 'bad event on redis channel')
    }
  })
  await sub.subscribe(CHANNEL)
  return {
    publish: async (e) => {
      await pub.publish(CHANNEL, JSON.stringify(e))
    },
    subscribe: (userId, listener) => local.subscribe(userId, listener),
    close: async () => {
      sub.disconnect()
      await pub.quit()
    },
  }
}
