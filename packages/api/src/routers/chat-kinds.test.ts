import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fullName } from '@messenger/shared'
import { bearer, createTestApp, errorCode, post, type TestApp } from '../testing'
import { collectEvents, listen } from '../testing-sse'

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
const listed = async (who: U) => (await who.caller.chats.list({ limit: 100 })).items

describe('a chat keeps the kind it was made with', () => {
  it('regression: a group that drops to two members stays a group, and createDirect makes a new personal chat', async () => {
    const [ann, bob, cid] = await users(3)
    const g = await ann!.caller.chats.createGroup({
      title: 'Team',
      memberIds: [bob!.user.id, cid!.user.id],
    })
    await say(ann!, g.id, 'group history')
    const after = await ann!.caller.chats.removeMember({ chatId: g.id, userId: cid!.user.id })
    expect(after).toMatchObject({ isDirect: false, title: 'Team', ownerId: ann!.user.id })
    expect(after.members).toHaveLength(2)
    expect(await bob!.caller.chats.get({ chatId: g.id })).toMatchObject({
      isDirect: false,
      title: 'Team',
    })

    const direct = await bob!.caller.chats.createDirect({ userId: ann!.user.id })
    expect(direct.id).not.toBe(g.id)
    expect(direct).toMatchObject({
      isDirect: true,
      title: fullName(ann!.user),
      ownerId: null,
      lastMessage: null,
    })
    expect((await ann!.caller.chats.createDirect({ userId: bob!.user.id })).id).toBe(direct.id)
    expect((await ann!.caller.messages.list({ chatId: direct.id })).items).toEqual([])
    expect((await listed(ann!)).map((c) => [c.id, c.isDirect])).toEqual([
      [direct.id, true],
      [g.id, false],
    ])
  })

  it('a group made with one other person is a group, and one with nobody else too', async () => {
    const [ann, bob] = await users(2)
    const pair = await ann!.caller.chats.createGroup({ title: 'Pair', memberIds: [bob!.user.id] })
    expect(pair).toMatchObject({ isDirect: false, title: 'Pair', ownerId: ann!.user.id })
    const alone = await ann!.caller.chats.createGroup({ title: 'Notes', memberIds: [] })
    expect(alone).toMatchObject({ isDirect: false, title: 'Notes' })
    const direct = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    expect(direct.id).not.toBe(pair.id)
  })

  it('concurrent createDirect calls for one pair, from both sides, make exactly one chat', async () => {
    for (let round = 0; round < 4; round++) {
      const [ann, bob] = await users(2)
      const made = await Promise.all([
        ann!.caller.chats.createDirect({ userId: bob!.user.id }),
        bob!.caller.chats.createDirect({ userId: ann!.user.id }),
        ann!.caller.chats.createDirect({ userId: bob!.user.id }),
        bob!.caller.chats.createDirect({ userId: ann!.user.id }),
      ])
      expect(new Set(made.map((c) => c.id)).size).toBe(1)
      expect(made.every((c) => c.isDirect && c.members.length === 2)).toBe(true)
      const rows = await t.db
        .selectFrom('chat_members')
        .select('chat_id')
        .where('user_id', '=', ann!.user.id)
        .execute()
      expect(rows).toHaveLength(1)
    }
  })
})

describe('a personal chat is never grown, shrunk or renamed', () => {
  it('answers FORBIDDEN naming the reason to its members, and FORBIDDEN or NOT_FOUND to others', async () => {
    const [ann, bob, eve] = await users(3)
    const d = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    for (const who of [ann!, bob!]) {
      const rename = who.caller.chats.rename({ chatId: d.id, title: 'x' })
      await expect(rename).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/^chatId: a personal chat/) as unknown,
      })
      expect(
        await errorCode(who.caller.chats.addMembers({ chatId: d.id, userIds: [eve!.user.id] })),
      ).toBe('FORBIDDEN')
      for (const target of [ann!, bob!]) {
        expect(
          await errorCode(who.caller.chats.removeMember({ chatId: d.id, userId: target.user.id })),
        ).toBe('FORBIDDEN')
      }
    }
    // An outsider learns nothing about the chat's kind: the same answer as for any chat.
    expect(await errorCode(eve!.caller.chats.rename({ chatId: d.id, title: 'x' }))).toBe(
      'FORBIDDEN',
    )
    expect(await errorCode(eve!.caller.chats.leave({ chatId: d.id }))).toBe('FORBIDDEN')
    expect(await errorCode(eve!.caller.chats.leave({ chatId: randomUUID() }))).toBe('NOT_FOUND')
    const res = await post(
      t.app,
      'chats.rename',
      { chatId: d.id, title: 'x' },
      bearer(ann!.accessToken),
    )
    expect(res.status).toBe(403)
    expect(res.body.error?.message).toMatch(/^chatId: a personal chat/)
    expect((await post(t.app, 'chats.leave', { chatId: d.id })).status).toBe(401)
    expect((await post(t.app, 'chats.createDirect', { userId: bob!.user.id })).status).toBe(401)
    // Nothing changed.
    expect((await ann!.caller.chats.get({ chatId: d.id })).members).toHaveLength(2)
  })

  it('groups keep the owner matrix: owner may, member may not, outsider may not', async () => {
    const [own, mem, out, extra] = await users(4)
    const g = await own!.caller.chats.createGroup({ title: 'G', memberIds: [mem!.user.id] })
    const rename = (who: U) => who.caller.chats.rename({ chatId: g.id, title: `by ${who.login}` })
    const add = (who: U) => who.caller.chats.addMembers({ chatId: g.id, userIds: [extra!.user.id] })
    expect(await errorCode(rename(out!))).toBe('FORBIDDEN')
    expect(await errorCode(add(out!))).toBe('FORBIDDEN')
    expect(await errorCode(rename(mem!))).toBe('FORBIDDEN')
    expect(await errorCode(add(mem!))).toBe('FORBIDDEN')
    expect(
      await errorCode(mem!.caller.chats.removeMember({ chatId: g.id, userId: own!.user.id })),
    ).toBe('FORBIDDEN')
    expect(
      await errorCode(out!.caller.chats.removeMember({ chatId: g.id, userId: mem!.user.id })),
    ).toBe('FORBIDDEN')
    expect(await errorCode(rename(own!))).toBe('OK')
    expect(await errorCode(add(own!))).toBe('OK')
    expect(
      await errorCode(own!.caller.chats.removeMember({ chatId: g.id, userId: extra!.user.id })),
    ).toBe('OK')
    expect(await errorCode(mem!.caller.chats.leave({ chatId: g.id }))).toBe('OK')
    expect(await own!.caller.chats.get({ chatId: g.id })).toMatchObject({
      isDirect: false,
      title: `by ${own!.login}`,
      members: [{ id: own!.user.id }],
    })
  })
})

describe('leaving a personal chat hides it from the leaver', () => {
  it('keeps both people and the history, tells the other person nothing, and a new message brings it back', async () => {
    const [ann, bob] = await users(2)
    const d = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    await say(bob!, d.id, 'one')
    await say(bob!, d.id, 'two')
    const annTab = collectEvents(server.url, ann!.accessToken)
    const bobTab = collectEvents(server.url, bob!.accessToken)
    await Promise.all([annTab.ready, bobTab.ready])

    expect(await ann!.caller.chats.leave({ chatId: d.id })).toEqual({ ok: true })
    expect((await annTab.next(1))[0]?.event).toEqual({ type: 'chat.removed', chatId: d.id })
    expect((await listed(ann!)).map((c) => c.id)).not.toContain(d.id)
    const bobView = await bob!.caller.chats.get({ chatId: d.id })
    expect(bobView.members.map((m) => m.id).sort()).toEqual([ann!.user.id, bob!.user.id].sort())
    expect((await listed(bob!)).map((c) => c.id)).toContain(d.id)
    // The leaver can still open it (e.g. from search), history intact.
    expect((await ann!.caller.messages.list({ chatId: d.id })).items.map((m) => m.text)).toEqual([
      'two',
      'one',
    ])

    const back = await say(bob!, d.id, 'are you there?')
    // Bob's first event after the leave is his own message: nothing told him about it.
    expect((await bobTab.next(1))[0]?.event).toMatchObject({ type: 'message.created' })
    expect((await annTab.next(2))[1]?.event).toEqual({ type: 'message.created', message: back })
    const returned = (await listed(ann!)).find((c) => c.id === d.id)
    // What was there before the leave counts as read: only the new message is unread.
    expect(returned).toMatchObject({ isDirect: true, unreadCount: 1, lastMessage: { id: back.id } })
    annTab.close()
    bobTab.close()
  })

  it('comes back with the leaver’s own createDirect, for their other tabs too; a message from the leaver also brings it back', async () => {
    const [ann, bob] = await users(2)
    const d = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    await ann!.caller.chats.leave({ chatId: d.id })
    expect(await listed(ann!)).toEqual([])
    const annTab = collectEvents(server.url, ann!.accessToken)
    await annTab.ready
    const again = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    expect(again.id).toBe(d.id)
    expect((await annTab.next(1))[0]?.event).toMatchObject({
      type: 'chat.updated',
      chat: { id: d.id, isDirect: true },
    })
    expect((await listed(ann!)).map((c) => c.id)).toEqual([d.id])

    await ann!.caller.chats.leave({ chatId: d.id })
    await say(ann!, d.id, 'sent from search')
    expect((await listed(ann!)).map((c) => c.id)).toEqual([d.id])
    annTab.close()
  })

  it('bob leaving too hides it for both, and the chat and its history stay', async () => {
    const [ann, bob] = await users(2)
    const d = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    await say(ann!, d.id, 'kept')
    await ann!.caller.chats.leave({ chatId: d.id })
    await bob!.caller.chats.leave({ chatId: d.id })
    expect(await listed(ann!)).toEqual([])
    expect(await listed(bob!)).toEqual([])
    const again = await bob!.caller.chats.createDirect({ userId: ann!.user.id })
    expect(again.id).toBe(d.id)
    expect(again.lastMessage?.text).toBe('kept')
    expect(await listed(ann!)).toEqual([])
  })
})
