import { randomUUID } from 'node:crypto'
import type { StreamEvent } from '@messenger/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../logger'
import { createPresenceTracker, type PresenceOptions } from '../presence/tracker'
import { errorCode, type TestApp } from '../testing'
import { signUps, twoInstances } from '../testing-load'
import { collectEvents, type Received } from '../testing-sse'

// Two instances on one database joined through the local Redis: presence is one person's,
// whichever instance their tabs are on. Short grace and heartbeats so the test runs in seconds.
const fast: Partial<PresenceOptions> = { graceMs: 300, heartbeatMs: 100, instanceTtlMs: 1500 }
const log = createLogger('silent')
let app: Awaited<ReturnType<typeof twoInstances>>
let t: TestApp
beforeAll(async () => {
  app = await twoInstances({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' })
  t = app.t
  for (const deps of [t.deps, app.second]) {
    await deps.presence.close()
    deps.presence = createPresenceTracker(t.db, deps.bus, log, fast)
  }
})
afterAll(() => app.close())

const presenceOf = (r: Received[], userId: string) =>
  r.flatMap((x) => (x.event.type === 'presence' && x.event.userId === userId ? [x] : []))

/** An offline announcement that says when the person was last seen. */
const expectLastSeen = (r: Received) => {
  expect(r.event).toMatchObject({ online: false })
  expect(r.event.type === 'presence' ? typeof r.event.lastSeenAt : r.event.type).toBe('string')
}

/** Waits until `stream` has heard `userId`'s presence `n` times; answers the last. */
const heard = async (stream: { received: Received[] }, userId: string, n: number) => {
  await expect
    .poll(() => presenceOf(stream.received, userId).length, { timeout: 8000 })
    .toBeGreaterThanOrEqual(n)
  return presenceOf(stream.received, userId)[n - 1]!
}

const pair = async () => {
  const [ann, bob] = await signUps(t, 2)
  await ann!.caller.chats.createDirect({ userId: bob!.user.id })
  return { ann: ann!, bob: bob! }
}

describe('presence', () => {
  it('many tabs on either instance count as one; offline after the grace, with last seen', async () => {
    const { ann, bob } = await pair()
    const bobs = collectEvents(app.one.url, bob.accessToken, { presence: true })
    await bobs.ready
    const annOne = collectEvents(app.one.url, ann.accessToken, { presence: true })
    const annTwo = collectEvents(app.two.url, ann.accessToken, { presence: true })
    const annThree = collectEvents(app.two.url, ann.accessToken, { presence: true })
    await Promise.all([annOne.ready, annTwo.ready, annThree.ready])
    const came = await heard(bobs, ann.user.id, 1)
    expect(came.id).toBeFalsy()
    expect(came.event).toEqual({
      type: 'presence',
      userId: ann.user.id,
      online: true,
      lastSeenAt: null,
    })
    await expect
      .poll(async () => (await bob.caller.users.presence({ userIds: [ann.user.id] })).items)
      .toEqual([{ userId: ann.user.id, online: true, lastSeenAt: null }])
    // Closing all but one tab, on both instances, changes nothing for Bob.
    annOne.close()
    annTwo.close()
    await new Promise((r) => setTimeout(r, 1000))
    expect(presenceOf(bobs.received, ann.user.id)).toHaveLength(1)
    expect((await bob.caller.users.presence({ userIds: [ann.user.id] })).items[0]?.online).toBe(
      true,
    )
    const before = Date.now()
    annThree.close()
    const gone = await heard(bobs, ann.user.id, 2)
    expect(gone.event).toMatchObject({ type: 'presence', userId: ann.user.id, online: false })
    const lastSeen = (gone.event as Extract<StreamEvent, { type: 'presence' }>).lastSeenAt
    expect(Date.parse(lastSeen!)).toBeGreaterThanOrEqual(before - 1000)
    expect((await bob.caller.users.presence({ userIds: [ann.user.id] })).items).toEqual([
      { userId: ann.user.id, online: false, lastSeenAt: lastSeen },
    ])
    bobs.close()
  })

  it('a reload within the grace period announces nothing', async () => {
    const { ann, bob } = await pair()
    const bobs = collectEvents(app.two.url, bob.accessToken, { presence: true })
    await bobs.ready
    const first = collectEvents(app.one.url, ann.accessToken, { presence: true })
    await first.ready
    await heard(bobs, ann.user.id, 1)
    first.close()
    const reloaded = collectEvents(app.two.url, ann.accessToken, { presence: true })
    await reloaded.ready
    await new Promise((r) => setTimeout(r, 1000))
    expect(presenceOf(bobs.received, ann.user.id).map((r) => r.event)).toEqual([
      { type: 'presence', userId: ann.user.id, online: true, lastSeenAt: null },
    ])
    reloaded.close()
    bobs.close()
  })

  it('goes only to the people of personal chats, never to outsiders or the person', async () => {
    const { ann, bob } = await pair()
    const [carl, eve] = await signUps(t, 2)
    // Carl shares only a group with Ann: he may ask, but is not told.
    await ann.caller.chats.createGroup({ title: 'g', memberIds: [carl!.user.id] })
    const streams = [bob, carl!, eve!].map((u) =>
      collectEvents(app.one.url, u.accessToken, { presence: true }),
    )
    await Promise.all(streams.map((s) => s.ready))
    const anns = collectEvents(app.two.url, ann.accessToken, { presence: true })
    await anns.ready
    await heard(streams[0]!, ann.user.id, 1)
    await new Promise((r) => setTimeout(r, 500))
    expect(presenceOf(streams[1]!.received, ann.user.id)).toEqual([])
    expect(presenceOf(streams[2]!.received, ann.user.id)).toEqual([])
    expect(presenceOf(anns.received, ann.user.id)).toEqual([])
    expect((await carl!.caller.users.presence({ userIds: [ann.user.id] })).items).toEqual([
      { userId: ann.user.id, online: true, lastSeenAt: null },
    ])
    for (const s of [...streams, anns]) s.close()
  })

  it('authorization: only people who share a chat are answered; at most 100; signed in', async () => {
    const { ann, bob } = await pair()
    const [eve] = await signUps(t, 1)
    const anns = collectEvents(app.one.url, ann.accessToken, { presence: true })
    await anns.ready
    // A member of a shared chat is answered; an outsider is left out, as is an unknown id.
    await expect
      .poll(async () => (await bob.caller.users.presence({ userIds: [ann.user.id] })).items)
      .toEqual([{ userId: ann.user.id, online: true, lastSeenAt: null }])
    expect(
      (await eve!.caller.users.presence({ userIds: [ann.user.id, randomUUID()] })).items,
    ).toEqual([])
    // Asking about oneself answers nothing either: one's own tabs know.
    expect((await ann.caller.users.presence({ userIds: [ann.user.id] })).items).toEqual([])
    expect(
      await errorCode(
        bob.caller.users.presence({ userIds: Array.from({ length: 101 }, () => randomUUID()) }),
      ),
    ).toBe('BAD_REQUEST')
    expect(await errorCode(bob.caller.users.presence({ userIds: ['x'] }))).toBe('BAD_REQUEST')
    const anon = t.callerFor(null)
    expect(await errorCode(anon.users.presence({ userIds: [ann.user.id] }))).toBe('UNAUTHORIZED')
    expect(await errorCode(anon.users.privacy())).toBe('UNAUTHORIZED')
    expect(await errorCode(anon.users.setPrivacy({ presenceHidden: true }))).toBe('UNAUTHORIZED')
    anns.close()
  })

  it('hiding it: others see neither online nor last seen, and the hider sees no one', async () => {
    const { ann, bob } = await pair()
    expect(await ann.caller.users.privacy()).toEqual({ presenceHidden: false })
    const bobs = collectEvents(app.one.url, bob.accessToken, { presence: true })
    const anns = collectEvents(app.two.url, ann.accessToken, { presence: true })
    await Promise.all([bobs.ready, anns.ready])
    await heard(bobs, ann.user.id, 1)
    await heard(anns, bob.user.id, 1)
    expect(await ann.caller.users.setPrivacy({ presenceHidden: true })).toEqual({
      presenceHidden: true,
    })
    expect(await ann.caller.users.privacy()).toEqual({ presenceHidden: true })
    const hid = await heard(bobs, ann.user.id, 2)
    expect(hid.event).toEqual({
      type: 'presence',
      userId: ann.user.id,
      online: false,
      lastSeenAt: null,
    })
    const unknown = (id: string) => [{ userId: id, online: false, lastSeenAt: null }]
    expect((await bob.caller.users.presence({ userIds: [ann.user.id] })).items).toEqual(
      unknown(ann.user.id),
    )
    // Like Telegram: the hider does not see others either, asked or told.
    expect((await ann.caller.users.presence({ userIds: [bob.user.id] })).items).toEqual(
      unknown(bob.user.id),
    )
    const bobAgain = collectEvents(app.two.url, bob.accessToken, { presence: true })
    await bobAgain.ready
    bobAgain.close()
    await new Promise((r) => setTimeout(r, 1000))
    expect(presenceOf(anns.received, bob.user.id)).toHaveLength(1)
    // Going away while hidden tells nobody.
    anns.close()
    await new Promise((r) => setTimeout(r, 1000))
    expect(presenceOf(bobs.received, ann.user.id)).toHaveLength(2)
    expect((await bob.caller.users.presence({ userIds: [ann.user.id] })).items).toEqual(
      unknown(ann.user.id),
    )
    // Shown again: Bob is told at once what it is now.
    await ann.caller.users.setPrivacy({ presenceHidden: false })
    const back = await heard(bobs, ann.user.id, 3)
    expectLastSeen(back)
    bobs.close()
  })

  it('people of an instance that died are marked offline by the others', async () => {
    const { ann, bob } = await pair()
    const bobs = collectEvents(app.one.url, bob.accessToken, { presence: true })
    await bobs.ready
    // An instance that never beats again after it registered Ann's stream: a crash.
    const crashed = createPresenceTracker(t.db, t.deps.bus, log, {
      ...fast,
      heartbeatMs: 3_600_000,
    })
    crashed.enter(ann.user.id)
    await heard(bobs, ann.user.id, 1)
    const gone = await heard(bobs, ann.user.id, 2)
    expectLastSeen(gone)
    expect((await bob.caller.users.presence({ userIds: [ann.user.id] })).items[0]).toMatchObject({
      online: false,
    })
    await crashed.close()
    bobs.close()
  })
})
