import { randomUUID } from 'node:crypto'
import { takeEventIds } from '@messenger/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../app'
import { createContextInner } from '../context'
import { createDeps } from '../deps'
import { createTestApp, type TestApp } from '../testing'
import { collectEvents, listen } from '../testing-sse'
import { eventForUser } from './service'
import { streamEvents } from './stream'

let t: TestApp
let server: Awaited<ReturnType<typeof listen>>
beforeAll(async () => {
  // No safety recheck within a test: streams here end by the session-end event alone.
  t = await createTestApp({ STREAM_SESSION_CHECK_SECONDS: '3600' })
  server = await listen(t.app)
})
afterAll(async () => {
  await server.close()
  await t.close()
})

const setup = async () => {
  const ann = await t.signUp()
  const bob = await t.signUp()
  const chat = await ann.caller.chats.createDirect({ userId: bob.user.id })
  return { ann, bob, chat }
}
const say = (who: Awaited<ReturnType<TestApp['signUp']>>, chatId: string, text: string) =>
  who.caller.messages.send({ chatId, clientId: randomUUID(), text })

describe('messages.events', () => {
  it('delivers a message live to the other member, authenticated by header', async () => {
    const { ann, bob, chat } = await setup()
    const stream = collectEvents(server.url, bob.accessToken)
    await stream.ready
    const m = await say(ann, chat.id, 'hello live')
    const [e] = await stream.next(1)
    expect(e?.event).toEqual({ type: 'message.created', message: m })
    expect(e?.id).toMatch(/^\d+$/)
    stream.close()
  })

  it('authenticates an EventSource by connectionParams, and refuses a stream without a token', async () => {
    const { ann, bob, chat } = await setup()
    const stream = collectEvents(server.url, bob.accessToken, { auth: 'params' })
    await stream.ready
    await say(ann, chat.id, 'via params')
    expect((await stream.next(1))[0]?.event.type).toBe('message.created')
    stream.close()
    // tRPC answers a stream that fails before its first event with an SSE error event.
    const res = await fetch(`${server.url}/trpc/messages.events?input=${encodeURIComponent('{}')}`)
    const body = await res.text()
    expect(body).toContain('event: serialized-error')
    expect(body).toContain('"code":"UNAUTHORIZED"')
  })

  it('streams edits, deletes and chat changes, and nothing from chats the user is not in', async () => {
    const { ann, bob, chat } = await setup()
    const eve = await t.signUp()
    const stream = collectEvents(server.url, bob.accessToken)
    await stream.ready
    await say(eve, (await eve.caller.chats.createDirect({ userId: ann.user.id })).id, 'not for bob')
    const m = await say(ann, chat.id, 'v1')
    await ann.caller.messages.edit({ messageId: m.id, text: 'v2' })
    await ann.caller.messages.delete({ messageId: m.id })
    const group = await ann.caller.chats.createGroup({
      title: 'G',
      memberIds: [bob.user.id, eve.user.id],
    })
    await ann.caller.chats.removeMember({ chatId: group.id, userId: bob.user.id })
    const events = (await stream.next(6)).map((r) => r.event)
    expect(events.map((e) => e.type)).toEqual([
      'message.created',
      'message.updated',
      'message.deleted',
      'chat.updated',
      // "Ann created the group": a system message; "Ann removed Bob" goes to the others only.
      'message.created',
      'chat.removed',
    ])
    expect(events[1]).toMatchObject({ message: { id: m.id, text: 'v2' } })
    expect(events[3]).toMatchObject({ chat: { id: group.id, title: 'G' } })
    expect(events[4]).toMatchObject({ message: { system: { kind: 'created', title: 'G' } } })
    expect(events[5]).toEqual({ type: 'chat.removed', chatId: group.id })
    stream.close()
  })

  it('replays every missed event in order after lastEventId, then goes on live', async () => {
    const { ann, bob, chat } = await setup()
    const first = collectEvents(server.url, bob.accessToken)
    await first.ready
    await say(ann, chat.id, 'seen')
    const [seen] = await first.next(1)
    first.close()
    const missed = []
    for (let i = 0; i < 5; i++) missed.push(await say(ann, chat.id, `missed ${i}`))
    const again = collectEvents(server.url, bob.accessToken, { lastEventId: seen!.id })
    const replayed = await again.next(5)
    expect(replayed.map((r) => r.event.type === 'message.created' && r.event.message.text)).toEqual(
      missed.map((m) => m.text),
    )
    const ids = replayed.map((r) => Number(r.id))
    expect([...ids].sort((a, b) => a - b)).toEqual(ids)
    await say(ann, chat.id, 'live again')
    expect((await again.next(6))[5]?.event).toMatchObject({ message: { text: 'live again' } })
    again.close()
  })

  it('messages.head is a resume point: nothing committed after it is missed', async () => {
    const { ann, bob, chat } = await setup()
    await say(ann, chat.id, 'before the page loaded')
    const { lastEventId } = await bob.caller.messages.head()
    expect(lastEventId).toMatch(/^\d+$/)
    const after = [await say(ann, chat.id, 'after 1'), await say(ann, chat.id, 'after 2')]
    const resumed = collectEvents(server.url, bob.accessToken, { lastEventId: lastEventId! })
    const events = await resumed.next(2)
    expect(events.map((r) => r.event.type === 'message.created' && r.event.message.text)).toEqual(
      after.map((m) => m.text),
    )
    resumed.close()
  })

  it('ends a stream when its session ends', async () => {
    const { bob } = await setup()
    const ctx = { ...createContextInner(t.deps, bob.authUser), user: bob.authUser }
    const stream = streamEvents(ctx, undefined, undefined)
    const next = stream.next()
    await bob.caller.auth.logout()
    await expect(next).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
  })

  it('ends a live HTTP stream with UNAUTHORIZED when its session ends', async () => {
    const { bob } = await setup()
    const stream = collectEvents(server.url, bob.accessToken)
    await stream.ready
    await bob.caller.auth.logout()
    await expect.poll(() => stream.errors.length, { timeout: 5000 }).toBe(1)
    expect(stream.errors[0]).toMatchObject({
      data: { code: 'UNAUTHORIZED' },
      message: 'Session ended',
    })
    stream.close()
  })

  it('replays after a server restart from the durable log', async () => {
    const { ann, bob, chat } = await setup()
    const s = collectEvents(server.url, bob.accessToken)
    await s.ready
    await say(ann, chat.id, 'before restart')
    const [last] = await s.next(1)
    s.close()
    await say(ann, chat.id, 'while down')
    // A new app instance on the same database stands for the restarted server.
    const deps = await createDeps(t.config, { db: t.db })
    const restarted = await listen(createApp(deps))
    const r = collectEvents(restarted.url, bob.accessToken, { lastEventId: last!.id })
    expect((await r.next(1))[0]?.event).toMatchObject({ message: { text: 'while down' } })
    r.close()
    await restarted.close()
    await deps.presence.close()
    await deps.indexer.stop()
    await deps.bus.close()
  })
})

describe('after removal', () => {
  it('replays to a removed member its chat.removed and nothing else about the chat', async () => {
    const ann = await t.signUp()
    const bob = await t.signUp()
    const eve = await t.signUp()
    const group = await ann.caller.chats.createGroup({
      title: 'Before',
      memberIds: [bob.user.id, eve.user.id],
    })
    const first = collectEvents(server.url, bob.accessToken)
    await first.ready
    const m = await say(ann, group.id, 'hello bob')
    const [seen] = await first.next(1)
    first.close()
    // An event addressed to bob alone, then his removal, then what he must never see.
    await bob.caller.chats.markRead({ chatId: group.id, messageId: m.id })
    await ann.caller.chats.removeMember({ chatId: group.id, userId: bob.user.id })
    await ann.caller.chats.rename({ chatId: group.id, title: 'After' })
    await say(ann, group.id, 'said after bob left')

    const again = collectEvents(server.url, bob.accessToken, { lastEventId: seen!.id })
    await again.next(1)
    await new Promise((r) => setTimeout(r, 500))
    expect(again.received.map((r) => r.event)).toEqual([{ type: 'chat.removed', chatId: group.id }])
    again.close()
  })

  it('builds no chat.updated for someone who left, when a live event reaches them late', async () => {
    const ann = await t.signUp()
    const bob = await t.signUp()
    const group = await ann.caller.chats.createGroup({ title: 'G', memberIds: [bob.user.id] })
    expect(
      await eventForUser(t.deps, bob.user.id, { type: 'chat.updated', chatId: group.id }),
    ).toMatchObject({ chat: { id: group.id } })
    await bob.caller.chats.leave({ chatId: group.id })
    await ann.caller.chats.rename({ chatId: group.id, title: 'Secret' })
    expect(
      await eventForUser(t.deps, bob.user.id, { type: 'chat.updated', chatId: group.id }),
    ).toBeNull()
  })
})

describe('commit order', () => {
  it('loses no event of a transaction that took its id before a later one committed', async () => {
    const { ann, bob, chat } = await setup()
    const first = collectEvents(server.url, bob.accessToken)
    await first.ready
    await say(ann, chat.id, 'before')
    const [before] = await first.next(1)
    first.close()

    // A slow transaction writes an event (and never publishes it, as if its instance died)...
    let release = () => {}
    const gate = new Promise<void>((r) => (release = r))
    let took = () => {}
    const taken = new Promise<void>((r) => (took = r))
    const slow = t.db.transaction().execute(async (trx) => {
      await takeEventIds(trx, [{ chatId: chat.id, type: 'chat.updated' }])
      took()
      await gate
    })
    await taken
    // ...while a send that started later goes ahead, and a client resumes in between.
    const sent = say(ann, chat.id, 'after')
    await new Promise((r) => setTimeout(r, 300))
    const between = collectEvents(server.url, bob.accessToken, { lastEventId: before!.id })
    await between.ready
    await new Promise((r) => setTimeout(r, 300))
    release()
    await slow
    await sent

    const types = ['chat.updated', 'message.created']
    const live = await between.next(2)
    expect(live.map((r) => r.event.type)).toEqual(types)
    expect(Number(live[1]!.id)).toBeGreaterThan(Number(live[0]!.id))
    await new Promise((r) => setTimeout(r, 500))
    expect(between.received).toHaveLength(2)
    between.close()
    // Resuming from any point in between gives the rest, once, in order.
    const resumed = collectEvents(server.url, bob.accessToken, { lastEventId: live[0]!.id })
    expect((await resumed.next(1)).map((r) => r.id)).toEqual([live[1]!.id])
    resumed.close()
  })
})
