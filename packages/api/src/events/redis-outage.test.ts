import { afterAll, beforeAll, expect, it } from 'vitest'
import { loadGroup, percentile, settleStreams, twoInstances } from '../testing-load'
import { startPrivateRedis } from '../testing-redis'

// Two instances on one database and a Redis of this test's own, which it kills and restarts.
let redis: Awaited<ReturnType<typeof startPrivateRedis>>
let app: Awaited<ReturnType<typeof twoInstances>>
beforeAll(async () => {
  redis = await startPrivateRedis()
  app = await twoInstances({ REDIS_URL: redis.url })
})
afterAll(async () => {
  await app.close()
  await redis.close()
})

it('delivers every event once, in order, across a Redis outage, and sends never wait on it', async () => {
  // Streams on instance two; every send goes through instance one.
  const { streams, load } = await loadGroup(app.t, {
    senders: 5,
    readers: 3,
    streamUrl: app.two.url,
  })

  let acks = 0
  const sending = load({
    onAck: () => acks++,
    url: app.one.url,
    // Long enough to outlast the outage even when sends are fast.
    perSender: 100,
    pauseMs: 50,
  })
  await new Promise((r) => setTimeout(r, 800))
  await redis.kill()
  const atKill = acks
  await new Promise((r) => setTimeout(r, 3000))
  const sentWhileDown = acks - atKill
  await redis.start()
  const result = await sending
  expect(sentWhileDown).toBeGreaterThan(20)
  expect(acks).toBeGreaterThan(atKill + sentWhileDown)

  expect(result.unacked).toBe(0)
  expect(result.failedAttempts).toBe(0)
  expect(result.acked).toHaveLength(500)
  // No send waited on the publish (before, one waited for Redis to come back). The bound is
  // loose because this machine is shared; the count sent while Redis was down above is the
  // sharper check.
  expect(percentile(result.attemptMs, 100)).toBeLessThan(3000)
  for (const check of await settleStreams(streams, result.acked)) {
    expect(check).toEqual({ missing: 0, duplicated: 0, unexpected: 0, inOrder: true })
  }
}, 60_000)
