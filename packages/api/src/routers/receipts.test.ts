import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { errorCode } from '../testing'
import { signUps } from '../testing-load'
import { collectEvents, say, serveTestApp } from '../testing-sse'

const served = serveTestApp()
const users = (n: number) => signUps(served.t, n)

describe('read receipts', () => {
  it('personal chat: the other person’s mark in the chat, live as chat.seen, replayed', async () => {
    const [ann, bob] = await users(2)
    const d = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const m1 = await say(ann!, d.id, 'one')
    expect((await ann!.caller.chats.get({ chatId: d.id })).othersReadUpTo).toBeNull()
    const { lastEventId } = await ann!.caller.messages.head()
    const anns = collectEvents(served.url, ann!.accessToken)
    await anns.ready
    await bob!.caller.chats.markRead({ chatId: d.id, messageId: m1.id })
    const seen = { type: 'chat.seen', chatId: d.id, userId: bob!.user.id, lastReadMessageId: m1.id }
    expect((await anns.next(1))[0]!.event).toEqual(seen)
    expect((await ann!.caller.chats.get({ chatId: d.id })).othersReadUpTo).toBe(m1.id)
    expect((await ann!.caller.chats.list()).items[0]!.othersReadUpTo).toBe(m1.id)
    // Bob's own view counts Ann's mark, not his.
    expect((await bob!.caller.chats.get({ chatId: d.id })).othersReadUpTo).toBeNull()
    const replay = collectEvents(served.url, ann!.accessToken, { lastEventId: lastEventId! })
    expect((await replay.next(1))[0]!.event).toEqual(seen)
    anns.close()
    replay.close()
  })

  it('group: seen by N per message and the list of who, keyset-paged; only senders hear of it', async () => {
    const people = await users(5)
    const [ann, ...rest] = people
    const g = await ann!.caller.chats.createGroup({
      title: 'g',
      memberIds: rest.map((p) => p.user.id),
    })
    const m1 = await say(ann!, g.id, 'first')
    const m2 = await say(ann!, g.id, 'second')
    const quiet = collectEvents(served.url, rest[3]!.accessToken)
    const anns = collectEvents(served.url, ann!.accessToken)
    await Promise.all([quiet.ready, anns.ready])
    await rest[0]!.caller.chats.markRead({ chatId: g.id, messageId: m2.id })
    await rest[1]!.caller.chats.markRead({ chatId: g.id, messageId: m2.id })
    await rest[2]!.caller.chats.markRead({ chatId: g.id, messageId: m1.id })
    const r = await ann!.caller.chats.receipts({ chatId: g.id, messageIds: [m1.id, m2.id] })
    expect(Object.fromEntries(r.items.map((i) => [i.messageId, i.seenBy]))).toEqual({
      [m1.id]: 3,
      [m2.id]: 2,
    })
    // Ann sent the messages: she hears of each read; a member who sent nothing hears nothing.
    expect((await anns.next(3)).map((e) => e.event.type)).toEqual([
      'chat.seen',
      'chat.seen',
      'chat.seen',
    ])
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(quiet.received.filter((e) => e.event.type === 'chat.seen')).toEqual([])
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await rest[3]!.caller.chats.seenBy({
        messageId: m1.id,
        limit: 2,
        ...(cursor && { cursor }),
      })
      seen.push(...page.items.map((i) => i.user.id))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(seen.sort()).toEqual([rest[0]!.user.id, rest[1]!.user.id, rest[2]!.user.id].sort())
    quiet.close()
    anns.close()
  })

  it('group: each asked message counts the marks at or past it, inside the span and beyond', async () => {
    const [ann, ...rest] = await users(6)
    const g = await ann!.caller.chats.createGroup({
      title: 'g',
      memberIds: rest.map((p) => p.user.id),
    })
    const [m1, m2, m3, m4] = [
      await say(ann!, g.id, '1'),
      await say(ann!, g.id, '2'),
      await say(ann!, g.id, '3'),
      await say(ann!, g.id, '4'),
    ]
    // Past the newest asked, between two asked, at the oldest asked; one has read nothing.
    await rest[0]!.caller.chats.markRead({ chatId: g.id, messageId: m4.id })
    await rest[1]!.caller.chats.markRead({ chatId: g.id, messageId: m4.id })
    await rest[2]!.caller.chats.markRead({ chatId: g.id, messageId: m2.id })
    await rest[3]!.caller.chats.markRead({ chatId: g.id, messageId: m1.id })
    // Newest first and repeated: the order asked does not matter.
    const r = await ann!.caller.chats.receipts({
      chatId: g.id,
      messageIds: [m3.id, m1.id, m3.id],
    })
    expect(Object.fromEntries(r.items.map((i) => [i.messageId, i.seenBy]))).toEqual({
      [m1.id]: 4,
      [m3.id]: 2,
    })
    // The viewer's own mark never counts: the first of the rest counts Ann's mark, not theirs.
    await ann!.caller.chats.markRead({ chatId: g.id, messageId: m4.id })
    const b = await rest[0]!.caller.chats.receipts({ chatId: g.id, messageIds: [m2.id, m4.id] })
    expect(Object.fromEntries(b.items.map((i) => [i.messageId, i.seenBy]))).toEqual({
      [m2.id]: 3,
      [m4.id]: 2,
    })
  })

  it('authorization: members only', async () => {
    const [ann, bob, eve] = await users(3)
    const d = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const m = await say(ann!, d.id, 'private')
    expect(await errorCode(eve!.caller.chats.receipts({ chatId: d.id, messageIds: [m.id] }))).toBe(
      'FORBIDDEN',
    )
    expect(await errorCode(eve!.caller.chats.seenBy({ messageId: m.id }))).toBe('NOT_FOUND')
    expect(await errorCode(bob!.caller.chats.seenBy({ messageId: randomUUID() }))).toBe('NOT_FOUND')
    expect(await errorCode(served.t.callerFor(null).chats.seenBy({ messageId: m.id }))).toBe(
      'UNAUTHORIZED',
    )
    expect(await errorCode(bob!.caller.chats.seenBy({ messageId: m.id, cursor: 'x' }))).toBe(
      'BAD_REQUEST',
    )
    expect(await errorCode(bob!.caller.chats.seenBy({ messageId: m.id }))).toBe('OK')
  })
})
