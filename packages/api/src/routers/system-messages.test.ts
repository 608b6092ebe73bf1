import { randomUUID } from 'node:crypto'
import type { Message } from '@messenger/shared'
import { describe, expect, it } from 'vitest'
import { errorCode } from '../testing'
import { signUps } from '../testing-load'
import { collectEvents, say, serveTestApp } from '../testing-sse'

const served = serveTestApp()

const systemOf = (items: Message[]) =>
  items.flatMap((m) =>
    m.system ? [{ kind: m.system.kind, by: m.sender.id, system: m.system, text: m.text }] : [],
  )

describe('system messages', () => {
  it('tell the group’s story in its history, from the one who did it, with ids and titles only', async () => {
    const { t } = served
    const [ann, bob, carl, dan] = await signUps(t, 4)
    const g = await ann!.caller.chats.createGroup({ title: 'Birds', memberIds: [bob!.user.id] })
    await ann!.caller.chats.addMembers({ chatId: g.id, userIds: [carl!.user.id, dan!.user.id] })
    await ann!.caller.chats.rename({ chatId: g.id, title: 'Seabirds' })
    // The same title again says nothing.
    await ann!.caller.chats.rename({ chatId: g.id, title: 'Seabirds' })
    await ann!.caller.chats.removeMember({ chatId: g.id, userId: carl!.user.id })
    await dan!.caller.chats.leave({ chatId: g.id })
    const page = await bob!.caller.messages.list({ chatId: g.id })
    const story = systemOf(page.items).reverse()
    expect(story.map((s) => [s.kind, s.by])).toEqual([
      ['created', ann!.user.id],
      ['added', ann!.user.id],
      ['renamed', ann!.user.id],
      ['removed', ann!.user.id],
      ['left', dan!.user.id],
    ])
    expect(story.every((s) => s.text === null)).toBe(true)
    expect(story[0]!.system).toEqual({ kind: 'created', title: 'Birds', users: [], userCount: 0 })
    expect(story[1]!.system.users.map((u) => u.id)).toEqual([carl!.user.id, dan!.user.id])
    expect(story[1]!.system.userCount).toBe(2)
    expect(story[2]!.system).toMatchObject({ kind: 'renamed', title: 'Seabirds' })
    expect(story[3]!.system.users).toEqual([
      {
        id: carl!.user.id,
        login: carl!.user.login,
        firstName: carl!.user.firstName,
        lastName: carl!.user.lastName,
      },
    ])
    // The chat list shows the last one; none of them counts as unread.
    const chat = await bob!.caller.chats.get({ chatId: g.id })
    expect(chat.lastMessage?.system?.kind).toBe('left')
    expect(chat.unreadCount).toBe(0)
    await say(ann!, g.id, 'a real one')
    expect((await bob!.caller.chats.get({ chatId: g.id })).unreadCount).toBe(1)
    // Messages people send carry no `system` field at all.
    expect(
      (await bob!.caller.messages.list({ chatId: g.id, limit: 1 })).items[0],
    ).not.toHaveProperty('system')
  })

  it('names at most 10 people, and counts them all', async () => {
    const { t } = served
    const [ann, ...others] = await signUps(t, 13)
    const g = await ann!.caller.chats.createGroup({ title: 'Many', memberIds: [] })
    await ann!.caller.chats.addMembers({ chatId: g.id, userIds: others.map((u) => u.user.id) })
    const [added] = (await ann!.caller.messages.list({ chatId: g.id, limit: 1 })).items
    expect(added?.system?.users).toHaveLength(10)
    expect(added?.system?.userCount).toBe(12)
  })

  it('arrive live and on replay like messages; the removed person gets only chat.removed', async () => {
    const { t, url } = served
    const [ann, bob, carl] = await signUps(t, 3)
    const g = await ann!.caller.chats.createGroup({ title: 'Live', memberIds: [bob!.user.id] })
    const { lastEventId } = await bob!.caller.messages.head()
    const bobs = collectEvents(url, bob!.accessToken)
    const carls = collectEvents(url, carl!.accessToken)
    await Promise.all([bobs.ready, carls.ready])
    await ann!.caller.chats.addMembers({ chatId: g.id, userIds: [carl!.user.id] })
    await ann!.caller.chats.removeMember({ chatId: g.id, userId: bob!.user.id })
    const kinds = (r: typeof bobs.received) =>
      r.map((x) =>
        x.event.type === 'message.created'
          ? `system:${x.event.message.system?.kind ?? 'none'}`
          : x.event.type,
      )
    await expect
      .poll(() => kinds(carls.received))
      .toEqual(['chat.updated', 'system:added', 'chat.updated', 'system:removed'])
    await expect
      .poll(() => kinds(bobs.received))
      .toEqual(['chat.updated', 'system:added', 'chat.removed'])
    // Carl, added, reads the whole story on resume, like every other member.
    const resumed = collectEvents(url, carl!.accessToken, { lastEventId: lastEventId! })
    await expect
      .poll(() => kinds(resumed.received).filter((k) => k.startsWith('system')))
      .toEqual(['system:added', 'system:removed'])
    for (const s of [bobs, carls, resumed]) s.close()
  })

  it('cannot be edited, deleted, reacted to, answered or pinned; outsiders do not learn of them', async () => {
    const { t } = served
    const [ann, bob, eve] = await signUps(t, 3)
    const g = await ann!.caller.chats.createGroup({ title: 'Rules', memberIds: [bob!.user.id] })
    const [created] = (await ann!.caller.messages.list({ chatId: g.id })).items
    const messageId = created!.id
    expect(created!.system?.kind).toBe('created')
    // The one who did it (its sender) may not change it.
    expect(await errorCode(ann!.caller.messages.edit({ messageId, text: 'x' }))).toBe('FORBIDDEN')
    expect(await errorCode(ann!.caller.messages.delete({ messageId }))).toBe('FORBIDDEN')
    expect(await errorCode(bob!.caller.messages.delete({ messageId }))).toBe('FORBIDDEN')
    expect(
      await errorCode(bob!.caller.messages.react({ messageId, emoji: '👍', active: true })),
    ).toBe('BAD_REQUEST')
    expect(
      await errorCode(
        bob!.caller.messages.send({
          chatId: g.id,
          clientId: randomUUID(),
          text: 'answer',
          replyToId: messageId,
        }),
      ),
    ).toBe('BAD_REQUEST')
    expect(await errorCode(ann!.caller.messages.pin({ messageId }))).toBe('BAD_REQUEST')
    expect(
      await errorCode(
        bob!.caller.messages.forward({ messageId, chatId: g.id, clientId: randomUUID() }),
      ),
    ).toBe('BAD_REQUEST')
    // Outsiders: the same answers as for any message of a chat they are not in.
    expect(await errorCode(eve!.caller.messages.edit({ messageId, text: 'x' }))).toBe('NOT_FOUND')
    expect(
      await errorCode(eve!.caller.messages.react({ messageId, emoji: '👍', active: true })),
    ).toBe('NOT_FOUND')
    expect(await errorCode(eve!.caller.messages.list({ chatId: g.id }))).toBe('FORBIDDEN')
    expect((await ann!.caller.messages.list({ chatId: g.id })).items).toHaveLength(1)
  })

  it('are never found by search, by title or by name', async () => {
    const { t } = served
    const [ann, bob] = await signUps(t, 2)
    const g = await ann!.caller.chats.createGroup({
      title: 'Cormorants',
      memberIds: [bob!.user.id],
    })
    await ann!.caller.chats.rename({ chatId: g.id, title: 'Cormorants forever' })
    await ann!.caller.chats.removeMember({ chatId: g.id, userId: bob!.user.id })
    const said = await say(ann!, g.id, 'cormorants dive deep')
    // Once the indexer has the message sent after them, it has passed the system messages too.
    await expect
      .poll(async () => (await ann!.caller.messages.search({ query: 'cormorants' })).items, {
        timeout: 10_000,
      })
      .toHaveLength(1)
    const hits = await ann!.caller.messages.search({ query: 'cormorants' })
    expect(hits.items.map((h) => h.message.id)).toEqual([said.id])
    const byFilter = await ann!.caller.messages.search({
      query: '',
      chatId: g.id,
      from: ann!.login,
    })
    expect(byFilter.items.map((h) => h.message.id)).toEqual([said.id])
    expect(await t.deps.search.count(g.id)).toBe(1)
  })
})
