import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { errorCode, post, bearer } from '../testing'
import { signUps } from '../testing-load'
import { collectEvents, say, serveTestApp } from '../testing-sse'

const served = serveTestApp()
const users = (n: number) => signUps(served.t, n)

describe('messages.react', () => {
  it('counts one reaction per emoji per person however often it is set, and takes it back', async () => {
    const [ann, bob] = await users(2)
    const chat = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const m = await say(ann!, chat.id, 'hello')
    for (let i = 0; i < 3; i++) {
      await bob!.caller.messages.react({ messageId: m.id, emoji: '👍', active: true })
    }
    const r = await ann!.caller.messages.react({ messageId: m.id, emoji: '👍', active: true })
    expect(r.reactions).toEqual([{ emoji: '👍', count: 2, mine: true }])
    await ann!.caller.messages.react({ messageId: m.id, emoji: '🇷🇺', active: true })

    const bobsPage = await bob!.caller.messages.list({ chatId: chat.id })
    expect(bobsPage.items[0]!.reactions).toEqual([
      { emoji: '👍', count: 2, mine: true },
      { emoji: '🇷🇺', count: 1, mine: false },
    ])
    await bob!.caller.messages.react({ messageId: m.id, emoji: '👍', active: false })
    await bob!.caller.messages.react({ messageId: m.id, emoji: '👍', active: false })
    await ann!.caller.messages.react({ messageId: m.id, emoji: '🇷🇺', active: false })
    const after = await bob!.caller.messages.list({ chatId: chat.id })
    expect(after.items[0]!.reactions).toEqual([{ emoji: '👍', count: 1, mine: false }])
  })

  it('accepts exactly one emoji, in its fully-qualified form', async () => {
    const [ann, bob] = await users(2)
    const chat = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const m = await say(ann!, chat.id, 'x')
    for (const bad of ['', 'a', 'ab', '👍👍', '👍 ok', ':)', '1', 'ж']) {
      const res = await post(
        served.t.app,
        'messages.react',
        { messageId: m.id, emoji: bad, active: true },
        bearer(ann!.accessToken),
      )
      expect(res.status, bad).toBe(400)
      expect(res.body.error?.data.code).toBe('BAD_REQUEST')
    }
    // A text-style heart counts with the emoji one; a family and a keycap are one emoji each.
    await ann!.caller.messages.react({ messageId: m.id, emoji: '❤', active: true })
    await bob!.caller.messages.react({ messageId: m.id, emoji: '❤️', active: true })
    await bob!.caller.messages.react({ messageId: m.id, emoji: '👨‍👩‍👧‍👦', active: true })
    await bob!.caller.messages.react({ messageId: m.id, emoji: '#️⃣', active: true })
    const page = await ann!.caller.messages.list({ chatId: chat.id })
    expect(page.items[0]!.reactions!.map((r) => [r.emoji, r.count])).toEqual([
      ['❤️', 2],
      ['👨‍👩‍👧‍👦', 1],
      ['#️⃣', 1],
    ])
  })

  it('keeps the count right under concurrent toggles from many people', async () => {
    const people = await users(8)
    const [owner, ...rest] = people
    const group = await owner!.caller.chats.createGroup({
      title: 'busy',
      memberIds: rest.map((p) => p.user.id),
    })
    const m = await say(owner!, group.id, 'react to me')
    const events = collectEvents(served.url, owner!.accessToken)
    await events.ready
    // Everyone clicks twice at once, and half of them take it back at once too.
    await Promise.all(
      people.flatMap((p) => [
        p.caller.messages.react({ messageId: m.id, emoji: '🔥', active: true }),
        p.caller.messages.react({ messageId: m.id, emoji: '🔥', active: true }),
      ]),
    )
    await Promise.all(
      people
        .slice(0, 4)
        .map((p) => p.caller.messages.react({ messageId: m.id, emoji: '🔥', active: false })),
    )
    const page = await owner!.caller.messages.list({ chatId: group.id })
    expect(page.items[0]!.reactions).toEqual([{ emoji: '🔥', count: 4, mine: false }])
    const received = await events.next(12)
    const reactions = received.flatMap((r) => (r.event.type === 'message.reaction' ? [r] : []))
    expect(reactions).toHaveLength(12)
    // Applied in order, the last event holds the count.
    expect(reactions.at(-1)!.event).toMatchObject({ count: 4 })
    events.close()
  })

  it('caps the different emoji on a message', async () => {
    const [ann, bob] = await users(2)
    const chat = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const m = await say(ann!, chat.id, 'many')
    const many = ['😀', '😃', '😄', '😁', '😆', '😅', '🤣', '😂', '🙂', '🙃']
    many.push('😉', '😊', '😇', '🥰', '😍', '🤩', '😘', '😗', '😚', '😙')
    for (const e of many)
      await ann!.caller.messages.react({ messageId: m.id, emoji: e, active: true })
    expect(
      await errorCode(bob!.caller.messages.react({ messageId: m.id, emoji: '🐱', active: true })),
    ).toBe('BAD_REQUEST')
    // One already there can still be added by someone else.
    await bob!.caller.messages.react({ messageId: m.id, emoji: '😀', active: true })
  })

  it('authorization: members only, on messages that exist and are not deleted', async () => {
    const [ann, bob, eve] = await users(3)
    const chat = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const m = await say(ann!, chat.id, 'private')
    const input = { messageId: m.id, emoji: '👍', active: true }
    expect(await errorCode(eve!.caller.messages.react(input))).toBe('NOT_FOUND')
    expect(await errorCode(eve!.caller.messages.reactors({ messageId: m.id, emoji: '👍' }))).toBe(
      'NOT_FOUND',
    )
    expect(await errorCode(served.t.callerFor(null).messages.react(input))).toBe('UNAUTHORIZED')
    expect(await errorCode(bob!.caller.messages.react({ ...input, messageId: randomUUID() }))).toBe(
      'NOT_FOUND',
    )
    // Any member may react, not only the sender.
    expect(await errorCode(bob!.caller.messages.react(input))).toBe('OK')
    await ann!.caller.messages.delete({ messageId: m.id })
    expect(await errorCode(bob!.caller.messages.react({ ...input, emoji: '😢' }))).toBe('NOT_FOUND')
    // A deleted message shows no reactions.
    const page = await bob!.caller.messages.list({ chatId: chat.id })
    expect(page.items[0]!.reactions).toEqual([])
    // Someone who left a group can no longer react there.
    const group = await ann!.caller.chats.createGroup({ title: 'g', memberIds: [bob!.user.id] })
    const g = await say(ann!, group.id, 'g')
    await bob!.caller.chats.leave({ chatId: group.id })
    expect(await errorCode(bob!.caller.messages.react({ ...input, messageId: g.id }))).toBe(
      'NOT_FOUND',
    )
  })
})

describe('messages.reactors', () => {
  it('lists who reacted, earliest first, in keyset pages', async () => {
    const people = await users(5)
    const [owner, ...rest] = people
    const group = await owner!.caller.chats.createGroup({
      title: 'who',
      memberIds: rest.map((p) => p.user.id),
    })
    const m = await say(owner!, group.id, 'who reacted?')
    for (const p of people)
      await p.caller.messages.react({ messageId: m.id, emoji: '👍', active: true })
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await rest[0]!.caller.messages.reactors({
        messageId: m.id,
        emoji: '👍',
        limit: 2,
        ...(cursor && { cursor }),
      })
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.items.map((i) => i.user.id))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(seen).toEqual(people.map((p) => p.user.id))
    expect(
      await errorCode(
        owner!.caller.messages.reactors({ messageId: m.id, emoji: '👍', cursor: 'junk' }),
      ),
    ).toBe('BAD_REQUEST')
  })
})

describe('reaction events', () => {
  it('reach every member live, nobody else, and replay from lastEventId', async () => {
    const [ann, bob, eve] = await users(3)
    const chat = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const m = await say(ann!, chat.id, 'react')
    const { lastEventId } = await ann!.caller.messages.head()
    const bobs = collectEvents(served.url, bob!.accessToken)
    const eves = collectEvents(served.url, eve!.accessToken)
    await Promise.all([bobs.ready, eves.ready])
    await ann!.caller.messages.react({ messageId: m.id, emoji: '😂', active: true })
    await ann!.caller.messages.react({ messageId: m.id, emoji: '😂', active: false })
    const live = await bobs.next(2)
    expect(live.map((r) => r.event)).toEqual([
      {
        type: 'message.reaction',
        chatId: chat.id,
        messageId: m.id,
        userId: ann!.user.id,
        emoji: '😂',
        active: true,
        count: 1,
      },
      expect.objectContaining({ active: false, count: 0 }),
    ])
    const replay = collectEvents(served.url, bob!.accessToken, { lastEventId: lastEventId! })
    expect((await replay.next(2)).map((r) => r.event)).toEqual(live.map((r) => r.event))
    await new Promise((r) => setTimeout(r, 200))
    expect(eves.received).toEqual([])
    for (const s of [bobs, eves, replay]) s.close()
  })
})
