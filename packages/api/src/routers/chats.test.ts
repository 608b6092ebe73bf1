import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestApp, get, type TestApp, errorCode } from '../testing'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

type U = Awaited<ReturnType<TestApp['signUp']>>
const users = (n: number) => Promise.all(Array.from({ length: n }, () => t.signUp()))
const say = (who: U, chatId: string, text: string) =>
  who.caller.messages.send({ chatId, clientId: randomUUID(), text })

describe('chats.createDirect', () => {
  it('makes one personal chat per pair, titled with the other member’s name', async () => {
    const [ann, bob] = await users(2)
    const a = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const b = await bob!.caller.chats.createDirect({ userId: ann!.user.id })
    expect(b.id).toBe(a.id)
    expect(a).toMatchObject({
      isDirect: true,
      title: `${bob!.user.firstName} ${bob!.user.lastName}`,
      ownerId: null,
    })
    expect(b.title).toBe(`${ann!.user.firstName} ${ann!.user.lastName}`)
    expect(a.members.map((m) => m.id).sort()).toEqual([ann!.user.id, bob!.user.id].sort())
  })

  it('yields one chat when both people create it at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const [ann, bob] = await users(2)
      const [a, b] = await Promise.all([
        ann!.caller.chats.createDirect({ userId: bob!.user.id }),
        bob!.caller.chats.createDirect({ userId: ann!.user.id }),
      ])
      expect(b.id).toBe(a.id)
      const n = await t.db
        .selectFrom('chat_members')
        .select('chat_id')
        .where('user_id', '=', ann!.user.id)
        .execute()
      expect(n).toHaveLength(1)
    }
  })

  it('refuses yourself and unknown users', async () => {
    const [ann] = await users(1)
    expect(await errorCode(ann!.caller.chats.createDirect({ userId: ann!.user.id }))).toBe(
      'BAD_REQUEST',
    )
    expect(await errorCode(ann!.caller.chats.createDirect({ userId: randomUUID() }))).toBe(
      'NOT_FOUND',
    )
  })
})

describe('groups', () => {
  it('creates a group owned by the caller', async () => {
    const [ann, bob, cid] = await users(3)
    const g = await ann!.caller.chats.createGroup({
      title: 'Team',
      memberIds: [bob!.user.id, cid!.user.id],
    })
    expect(g).toMatchObject({
      isDirect: false,
      title: 'Team',
      ownerId: ann!.user.id,
      unreadCount: 0,
      // "Ann created the group «Team»", a system message.
      lastMessage: {
        sender: { id: ann!.user.id },
        text: null,
        system: { kind: 'created', title: 'Team', users: [], userCount: 0 },
      },
    })
    expect(g.members.map((m) => m.id)).toEqual([ann!.user.id, bob!.user.id, cid!.user.id])
    expect(
      await errorCode(ann!.caller.chats.createGroup({ title: 'X', memberIds: [randomUUID()] })),
    ).toBe('NOT_FOUND')
  })

  it('lets only the owner rename and add; members may only remove themselves', async () => {
    const [ann, bob, cid, dan] = await users(4)
    const g = await ann!.caller.chats.createGroup({
      title: 'Team',
      memberIds: [bob!.user.id, cid!.user.id],
    })
    expect(await errorCode(bob!.caller.chats.rename({ chatId: g.id, title: 'Mine' }))).toBe(
      'FORBIDDEN',
    )
    expect((await ann!.caller.chats.rename({ chatId: g.id, title: 'Renamed' })).title).toBe(
      'Renamed',
    )
    expect(
      await errorCode(bob!.caller.chats.addMembers({ chatId: g.id, userIds: [dan!.user.id] })),
    ).toBe('FORBIDDEN')
    const added = await ann!.caller.chats.addMembers({
      chatId: g.id,
      userIds: [dan!.user.id, bob!.user.id],
    })
    expect(added.members).toHaveLength(4)
    expect(
      await errorCode(bob!.caller.chats.removeMember({ chatId: g.id, userId: cid!.user.id })),
    ).toBe('FORBIDDEN')
    const after = await ann!.caller.chats.removeMember({ chatId: g.id, userId: cid!.user.id })
    expect(after.members.map((m) => m.id)).not.toContain(cid!.user.id)
    expect(await errorCode(cid!.caller.chats.get({ chatId: g.id }))).toBe('FORBIDDEN')
    await bob!.caller.chats.removeMember({ chatId: g.id, userId: bob!.user.id })
    expect((await ann!.caller.chats.get({ chatId: g.id })).members.map((m) => m.id)).toEqual([
      ann!.user.id,
      dan!.user.id,
    ])
  })

  it('hands ownership to the longest member when the owner leaves, and deletes the chat with the last one', async () => {
    const [ann, bob, cid] = await users(3)
    const g = await ann!.caller.chats.createGroup({
      title: 'T',
      memberIds: [bob!.user.id, cid!.user.id],
    })
    await say(bob!, g.id, 'kept in history')
    expect(await ann!.caller.chats.leave({ chatId: g.id })).toEqual({ ok: true })
    expect((await bob!.caller.chats.get({ chatId: g.id })).ownerId).toBe(bob!.user.id)
    await bob!.caller.chats.leave({ chatId: g.id })
    await cid!.caller.chats.leave({ chatId: g.id })
    expect(await errorCode(cid!.caller.chats.get({ chatId: g.id }))).toBe('NOT_FOUND')
    const left = await t.db.selectFrom('chats').select('id').where('id', '=', g.id).execute()
    expect(left).toHaveLength(0)
  })

  it('a personal chat cannot be renamed or grown', async () => {
    const [ann, bob, cid] = await users(3)
    const d = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    expect(await errorCode(ann!.caller.chats.rename({ chatId: d.id, title: 'x' }))).toBe(
      'FORBIDDEN',
    )
    expect(
      await errorCode(ann!.caller.chats.addMembers({ chatId: d.id, userIds: [cid!.user.id] })),
    ).toBe('FORBIDDEN')
  })
})

describe('chats.list', () => {
  it('orders by latest activity and pages with a cursor', async () => {
    const [ann, ...others] = await users(5)
    const chats = []
    for (const o of others) chats.push(await ann!.caller.chats.createDirect({ userId: o.user.id }))
    await say(ann!, chats[1]!.id, 'bump')
    const expected = [chats[1]!, chats[3]!, chats[2]!, chats[0]!].map((c) => c.id)
    const seen: string[] = []
    let cursor: string | undefined
    for (;;) {
      const page = await ann!.caller.chats.list({ limit: 3, ...(cursor && { cursor }) })
      seen.push(...page.items.map((c) => c.id))
      if (!page.nextCursor) break
      cursor = page.nextCursor
    }
    expect(seen).toEqual(expected)
    const first = (await ann!.caller.chats.list({ limit: 1 })).items[0]
    expect(first?.lastMessage?.text).toBe('bump')
  })

  it('rejects a forged cursor with 400 and answers outsiders FORBIDDEN, unknown chats 404', async () => {
    const [ann, bob, eve] = await users(3)
    const res = await get(t.app, 'chats.list', { cursor: 'garbage' }, bearer(ann!.accessToken))
    expect(res.status).toBe(400)
    expect(res.body.error?.message).toMatch(/^cursor:/)
    const d = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    expect((await get(t.app, 'chats.get', { chatId: d.id }, bearer(eve!.accessToken))).status).toBe(
      403,
    )
    expect(
      (await get(t.app, 'chats.get', { chatId: randomUUID() }, bearer(eve!.accessToken))).status,
    ).toBe(404)
    expect(
      (await get(t.app, 'chats.get', { chatId: 'not-an-id' }, bearer(eve!.accessToken))).status,
    ).toBe(400)
  })
})

describe('messages.send', () => {
  it('answers outsiders FORBIDDEN and unknown chats NOT_FOUND, storing nothing, replies included', async () => {
    const [ann, bob, eve] = await users(3)
    const d = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const m = await say(ann!, d.id, 'private')
    expect(await errorCode(say(eve!, d.id, 'intruding'))).toBe('FORBIDDEN')
    expect(await errorCode(say(eve!, randomUUID(), 'nowhere'))).toBe('NOT_FOUND')
    // A reply to a message of a chat one is not in says nothing about that message.
    for (const replyToId of [m.id, randomUUID()]) {
      expect(
        await errorCode(
          eve!.caller.messages.send({ chatId: d.id, clientId: randomUUID(), text: 'x', replyToId }),
        ),
      ).toBe('FORBIDDEN')
    }
    const stored = await t.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sender_id', '=', eve!.user.id)
      .executeTakeFirstOrThrow()
    expect(stored.n).toBe(0)
  })
})

describe('chats.markRead', () => {
  it('only moves forward and only accepts messages of that chat', async () => {
    const [ann, bob] = await users(2)
    const d = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const m1 = await say(ann!, d.id, 'one')
    const m2 = await say(ann!, d.id, 'two')
    await bob!.caller.chats.markRead({ chatId: d.id, messageId: m2.id })
    await bob!.caller.chats.markRead({ chatId: d.id, messageId: m1.id })
    expect((await bob!.caller.chats.get({ chatId: d.id })).unreadCount).toBe(0)
    const other = await ann!.caller.chats.createGroup({ title: 'o', memberIds: [] })
    const stray = await say(ann!, other.id, 'elsewhere')
    expect(await errorCode(bob!.caller.chats.markRead({ chatId: d.id, messageId: stray.id }))).toBe(
      'NOT_FOUND',
    )
  })
})
