import { randomUUID } from 'node:crypto'
import type { KyselyPlugin } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createContextInner } from '../context'
import { newId } from '../ids'
import { createMysqlStore } from '../messages/mysql-store'
import { appRouter } from '../root'
import { createTestApp, errorCode, type TestApp } from '../testing'
import { collectEvents, listen } from '../testing-sse'
import { createCallerFactory } from '../trpc'

let t: TestApp
let server: Awaited<ReturnType<typeof listen>>
beforeAll(async () => {
  t = await createTestApp()
  server = await listen(t.app)
})
afterAll(async () => {
  await server.close()
  await t.close()
})

type U = Awaited<ReturnType<TestApp['signUp']>>
/** One after another: concurrent logins from one address contend on the throttle's rows. */
const users = async (n: number) => {
  const made: U[] = []
  for (let i = 0; i < n; i++) made.push(await t.signUp())
  return made
}
const say = (who: U, chatId: string, text: string) =>
  who.caller.messages.send({ chatId, clientId: randomUUID(), text })

/** A caller for `who` whose every database statement is counted, the message store's too. */
const countedCaller = (who: U) => {
  let statements = 0
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      statements++
      return args.node
    },
    transformResult: (args) => Promise.resolve(args.result),
  }
  const db = t.db.withPlugin(counter)
  const deps = { ...t.deps, db, messages: createMysqlStore(db) }
  const caller = createCallerFactory(appRouter)(createContextInner(deps, who.authUser))
  return {
    caller,
    count: async (call: () => Promise<unknown>) => {
      statements = 0
      await call()
      return statements
    },
  }
}

describe('chats.list unread counts', () => {
  it('counts per chat from each read mark, others’ live messages only, capped at 1000', async () => {
    const [ann, bob, cid] = await users(3)
    const withBob = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const group = await ann!.caller.chats.createGroup({
      title: 'G',
      memberIds: [bob!.user.id, cid!.user.id],
    })
    const quiet = await ann!.caller.chats.createDirect({ userId: cid!.user.id })
    const b1 = await say(bob!, withBob.id, 'b1')
    await say(ann!, withBob.id, 'mine does not count')
    await say(bob!, withBob.id, 'b2')
    const gone = await say(bob!, withBob.id, 'deleted does not count')
    await bob!.caller.messages.delete({ messageId: gone.id })
    await ann!.caller.chats.markRead({ chatId: withBob.id, messageId: b1.id })
    // A backlog past the cap, written straight into the store's table.
    const base = new Date()
    await t.db
      .insertInto('messages')
      .values(
        Array.from({ length: 1005 }, (_, i) => ({
          id: newId(),
          chat_id: group.id,
          sender_id: i % 2 ? bob!.user.id : cid!.user.id,
          client_id: randomUUID(),
          text: `backlog ${i}`,
          created_at: new Date(base.getTime() + i),
        })),
      )
      .execute()
    await say(cid!, group.id, 'newest')
    const unread = Object.fromEntries(
      (await ann!.caller.chats.list()).items.map((c) => [c.id, c.unreadCount]),
    )
    expect(unread).toEqual({ [withBob.id]: 1, [group.id]: 1000, [quiet.id]: 0 })
    expect((await ann!.caller.chats.get({ chatId: group.id })).unreadCount).toBe(1000)
    expect((await bob!.caller.chats.get({ chatId: withBob.id })).unreadCount).toBe(1)
  })

  it('costs the same few statements for 2 chats as for 20', async () => {
    const [ann, ...others] = await users(21)
    const counted = countedCaller(ann!)
    for (const o of others.slice(0, 2)) {
      const d = await ann!.caller.chats.createDirect({ userId: o.user.id })
      await say(o, d.id, 'hello')
    }
    const two = await counted.count(() => counted.caller.chats.list())
    for (const o of others.slice(2)) {
      const d = await ann!.caller.chats.createDirect({ userId: o.user.id })
      await say(o, d.id, 'hello')
    }
    const twenty = await counted.count(async () => {
      const page = await counted.caller.chats.list()
      expect(page.items).toHaveLength(20)
      expect(page.items.every((c) => c.unreadCount === 1)).toBe(true)
    })
    expect(twenty).toBe(two)
    // The page, its members, its last messages, the unread counts; the senders are members.
    expect(twenty).toBe(4)
  })
})

describe('messages.list', () => {
  it('reads a history page in three statements, membership included; an outsider gets nothing', async () => {
    const [ann, bob, eve] = await users(3)
    const d = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    await say(ann!, d.id, 'one')
    await say(bob!, d.id, 'two')
    const counted = countedCaller(bob!)
    let page: Awaited<ReturnType<typeof counted.caller.messages.list>> | undefined
    // The page (only for a member), its senders, its reactions.
    expect(
      await counted.count(async () => {
        page = await counted.caller.messages.list({ chatId: d.id })
      }),
    ).toBe(3)
    expect(page?.items.map((m) => m.text)).toEqual(['two', 'one'])
    expect(await errorCode(countedCaller(eve!).caller.messages.list({ chatId: d.id }))).toBe(
      'FORBIDDEN',
    )
    expect(await errorCode(counted.caller.messages.list({ chatId: randomUUID() }))).toBe(
      'NOT_FOUND',
    )
  })
})

describe('chats.markRead', () => {
  it('moves the mark in three statements and tells the reader’s other tabs and the other person', async () => {
    const [ann, bob] = await users(2)
    const d = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const m1 = await say(ann!, d.id, 'one')
    const m2 = await say(ann!, d.id, 'two')
    const otherTab = collectEvents(server.url, bob!.accessToken)
    const annTab = collectEvents(server.url, ann!.accessToken)
    await Promise.all([otherTab.ready, annTab.ready])
    const counted = countedCaller(bob!)

    // The conditional UPDATE, who hears of it (read receipts), then the events and the commit in
    // one call (append_events: ids are commit-ordered).
    expect(
      await counted.count(() => counted.caller.chats.markRead({ chatId: d.id, messageId: m1.id })),
    ).toBe(3)
    const [first] = await otherTab.next(1)
    expect(first?.event).toEqual({ type: 'chat.read', chatId: d.id, lastReadMessageId: m1.id })
    expect((await bob!.caller.chats.get({ chatId: d.id })).unreadCount).toBe(1)

    // Backwards or in place: nothing moves and nobody is told.
    await bob!.caller.chats.markRead({ chatId: d.id, messageId: m1.id })
    await bob!.caller.chats.markRead({ chatId: d.id, messageId: m2.id })
    await bob!.caller.chats.markRead({ chatId: d.id, messageId: m1.id })
    const events = (await otherTab.next(2)).map((r) => r.event)
    expect(events[1]).toEqual({ type: 'chat.read', chatId: d.id, lastReadMessageId: m2.id })
    expect((await bob!.caller.chats.get({ chatId: d.id })).unreadCount).toBe(0)

    // A reconnect replays it from the log.
    const replay = collectEvents(server.url, bob!.accessToken, { lastEventId: first!.id })
    expect((await replay.next(1))[0]?.event).toEqual(events[1])
    // The other person sees it as read receipts, each mark once.
    const m3 = await say(bob!, d.id, 'three')
    const annSaw = (await annTab.next(3)).map((r) => r.event)
    expect(annSaw.slice(0, 2)).toEqual([
      { type: 'chat.seen', chatId: d.id, userId: bob!.user.id, lastReadMessageId: m1.id },
      { type: 'chat.seen', chatId: d.id, userId: bob!.user.id, lastReadMessageId: m2.id },
    ])
    expect(annSaw[2]).toMatchObject({ message: { id: m3.id } })
    for (const s of [otherTab, annTab, replay]) s.close()
  })

  it('refuses outsiders, unknown chats and messages of other chats', async () => {
    const [ann, bob, eve] = await users(3)
    const d = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const m = await say(ann!, d.id, 'secret')
    const elsewhere = await ann!.caller.chats.createGroup({ title: 'o', memberIds: [] })
    const stray = await say(ann!, elsewhere.id, 'elsewhere')
    const read = (who: U, chatId: string, messageId: string) =>
      errorCode(who.caller.chats.markRead({ chatId, messageId }))
    expect(await read(eve!, d.id, m.id)).toBe('FORBIDDEN')
    expect(await read(eve!, randomUUID(), m.id)).toBe('NOT_FOUND')
    expect(await read(bob!, d.id, stray.id)).toBe('NOT_FOUND')
    expect(await read(bob!, d.id, newId())).toBe('NOT_FOUND')
    expect((await bob!.caller.chats.get({ chatId: d.id })).unreadCount).toBe(1)
    expect(await read(bob!, d.id, m.id)).toBe('OK')
    expect((await bob!.caller.chats.get({ chatId: d.id })).unreadCount).toBe(0)
  })
})
