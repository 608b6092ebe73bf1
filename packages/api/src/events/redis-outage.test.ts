import { afterAll, beforeAll, expect, it } from 'vitest'
import { createApp } from '../app'
import { createDeps, type Deps } from '../deps'
import { createTestApp, type TestApp } from '../testing'
import { checkStream, percentile, sendLoad, signUps } from '../testing-load'
import { startPrivateRedis } from '../testing-redis'
import { collectEvents, listen } from '../testing-sse'

// Two instances on one database and a Redis of this test's own, which it kills and restarts.
let redis: Awaited<ReturnType<typeof startPrivateRedis>>
let t: TestApp
let second: Deps
let one: Awaited<ReturnType<typeof listen>>
let two: Awaited<ReturnType<typeof listen>>
beforeAll(async () => {
  redis = await startPrivateRedis()
  t = await createTestApp({ REDIS_URL: redis.url })
  second = await createDeps(t.config, { db: t.db })
  one = await listen(t.app)
  two = await listen(createApp(second))
})
afterAll(async () => {
  await one.close()
  await two.close()
  await second.bus.close()
  await t.close()
  await redis.close()
})

it('delivers every event once, in order, across a Redis outage, and sends never wait on it', async () => {
  const senders = await signUps(t, 5)
  const readers = await signUps(t, 3)
  const group = await senders[0]!.caller.chats.createGroup({
    title: 'Load',
    memberIds: [...senders, ...readers].map((u) => u.user.id),
  })
  // Streams on instance two; every send goes through instance one.
  const streams = readers.map((r) => collectEvents(two.url, r.accessToken))
  await Promise.all(streams.map((s) => s.ready))

  let acks = 0
  const load = sendLoad({
    onAck: () => acks++,
    url: one.url,
    senders: senders.map((s) => ({ token: s.accessToken, chatId: group.id })),
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
  const result = await load
  expect(sentWhileDown).toBeGreaterThan(20)
  expect(acks).toBeGreaterThan(atKill + sentWhileDown)

  expect(result.unacked).toBe(0)
  expect(result.failedAttempts).toBe(0)
  expect(result.acked).toHaveLength(500)
  // No send waited on the publish (before, one waited for Redis to come back). The bound is
  // loose because this machine is shared; the count sent while Redis was down above is the
  // sharper check.
  expect(percentile(result.attemptMs, 100)).toBeLessThan(3000)
  for (const s of streams) {
    await s.next(result.acked.length, 15_000)
    await new Promise((r) => setTimeout(r, 300))
    expect(checkStream(s.received, result.acked)).toEqual({
      missing: 0,
      duplicated: 0,
      unexpected: 0,
      inOrder: true,
    })
    s.close()
  }
}, 60_000)
