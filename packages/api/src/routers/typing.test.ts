import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { errorCode, type TestApp } from '../testing'
import { twoInstances } from '../testing-load'
import { client, collectEvents } from '../testing-sse'

// Two instances on one database joined through the local Redis: typing crosses between them.
let app: Awaited<ReturnType<typeof twoInstances>>
let t: TestApp
beforeAll(async () => {
  app = await twoInstances({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' })
  t = app.t
})
afterAll(() => app.close())

const settle = () => new Promise((r) => setTimeout(r, 300))

describe('chats.typing', () => {
  it('reaches the other members on either instance, without an id, and never the typist or outsiders', async () => {
    const ann = await t.signUp()
    const bob = await t.signUp()
    const eve = await t.signUp()
    const chat = await ann.caller.chats.createDirect({ userId: bob.user.id })
    const bobOnTwo = collectEvents(app.two.url, bob.accessToken)
    const bobOnOne = collectEvents(app.one.url, bob.accessToken)
    const annOnOne = collectEvents(app.one.url, ann.accessToken)
    const eveOnTwo = collectEvents(app.two.url, eve.accessToken)
    await Promise.all([bobOnTwo.ready, bobOnOne.ready, annOnOne.ready, eveOnTwo.ready])
    // Ann types through instance one.
    await client(app.one.url, ann.accessToken).chats.typing.mutate({ chatId: chat.id })
    const typing = { type: 'typing', chatId: chat.id, userId: ann.user.id }
    for (const s of [bobOnTwo, bobOnOne]) {
      const [e] = await s.next(1)
      expect(e!.event).toEqual(typing)
      expect(e!.id).toBeFalsy()
    }
    await settle()
    expect(annOnOne.received).toEqual([])
    expect(eveOnTwo.received).toEqual([])
    expect(bobOnTwo.received).toHaveLength(1)
    for (const s of [bobOnTwo, bobOnOne, annOnOne, eveOnTwo]) s.close()
  })

  it('is never logged: a stream resumed from before it replays messages only', async () => {
    const ann = await t.signUp()
    const bob = await t.signUp()
    const chat = await ann.caller.chats.createDirect({ userId: bob.user.id })
    const { lastEventId } = await bob.caller.messages.head()
    await ann.caller.chats.typing({ chatId: chat.id })
    await ann.caller.messages.send({ chatId: chat.id, clientId: randomUUID(), text: 'sent' })
    const resumed = collectEvents(app.one.url, bob.accessToken, { lastEventId: lastEventId! })
    const [e] = await resumed.next(1)
    expect(e!.event.type).toBe('message.created')
    await settle()
    expect(resumed.received.map((r) => r.event.type)).toEqual(['message.created'])
    resumed.close()
  })

  it('authorization: members only; a fast repeat is answered without another fan-out', async () => {
    const ann = await t.signUp()
    const bob = await t.signUp()
    const eve = await t.signUp()
    const group = await ann.caller.chats.createGroup({ title: 'g', memberIds: [bob.user.id] })
    expect(await errorCode(eve.caller.chats.typing({ chatId: group.id }))).toBe('FORBIDDEN')
    expect(await errorCode(eve.caller.chats.typing({ chatId: randomUUID() }))).toBe('NOT_FOUND')
    expect(await errorCode(t.callerFor(null).chats.typing({ chatId: group.id }))).toBe(
      'UNAUTHORIZED',
    )
    const bobs = collectEvents(app.one.url, bob.accessToken)
    await bobs.ready
    await ann.caller.chats.typing({ chatId: group.id })
    await ann.caller.chats.typing({ chatId: group.id })
    await bobs.next(1)
    await settle()
    expect(bobs.received).toHaveLength(1)
    // Someone who left hears no more typing there.
    await bob.caller.chats.leave({ chatId: group.id })
    const after = bobs.received.length
    await eve.caller.chats.typing({ chatId: group.id }).catch(() => undefined)
    await new Promise((r) => setTimeout(r, 1600))
    await ann.caller.chats.typing({ chatId: group.id })
    await settle()
    expect(bobs.received.slice(after).filter((r) => r.event.type === 'typing')).toEqual([])
    bobs.close()
  })
})
