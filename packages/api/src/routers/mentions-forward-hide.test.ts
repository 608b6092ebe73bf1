import { randomUUID } from 'node:crypto'
import { mentionedUserIds } from '@messenger/db'
import { uprightCard } from '@messenger/images/testing'
import { findMentions } from '@messenger/shared'
import { describe, expect, it } from 'vitest'
import { uploadImage } from '../images/service'
import { errorCode } from '../testing'
import { signUps } from '../testing-load'
import { collectEvents, say, serveTestApp } from '../testing-sse'

const served = serveTestApp()

describe('mentions', () => {
  it('stores mentions of members only, counts them apart until read, even in a muted chat', async () => {
    const [ann, bob, cid, dan] = await signUps(served.t, 4)
    const group = await ann!.caller.chats.createGroup({
      title: 'Team',
      memberIds: [bob!.user.id, cid!.user.id],
    })
    await bob!.caller.chats.setPreferences({ chatId: group.id, muted: true })
    const live = collectEvents(served.url, bob!.accessToken)
    await live.ready

    // bob (member, upper case), cid after "(", dan is no member, an email is no mention, nor self.
    const text = `@${bob!.login.toUpperCase()}, ask (@${cid!.login}) and @${dan!.login}; mail x@${bob!.login}.com, @${ann!.login}`
    const m = await say(ann!, group.id, text)
    expect(findMentions(text).map((t) => t.login.toLowerCase())).toEqual(
      [bob!.login, cid!.login, dan!.login, ann!.login].map((l) => l.toLowerCase()),
    )
    expect(await mentionedUserIds(served.t.db, m.id)).toEqual([bob!.user.id, cid!.user.id].sort())
    await say(ann!, group.id, 'no mention here')
    await say(ann!, group.id, `again @${bob!.login}.`)

    const bobsChat = async () =>
      (await bob!.caller.chats.list({})).items.find((c) => c.id === group.id)!
    expect(await bobsChat()).toMatchObject({ muted: true, unreadCount: 3, unreadMentions: 2 })
    expect((await cid!.caller.chats.get({ chatId: group.id })).unreadMentions).toBe(1)
    expect((await ann!.caller.chats.get({ chatId: group.id })).unreadMentions).toBe(0)
    // The live message carries its text: the client finds the mention of its own login in it.
    const [created] = await live.next(1)
    expect(created?.event).toMatchObject({ type: 'message.created', message: { text } })
    live.close()

    // Read up to the first: one mention left; read to the end: none.
    await bob!.caller.chats.markRead({ chatId: group.id, messageId: m.id })
    expect(await bobsChat()).toMatchObject({ unreadCount: 2, unreadMentions: 1 })
    const page = await bob!.caller.messages.list({ chatId: group.id })
    await bob!.caller.chats.markRead({ chatId: group.id, messageId: page.items[0]!.id })
    expect(await bobsChat()).toMatchObject({ unreadCount: 0, unreadMentions: 0 })
  })

  it('follows edits and deletes, and leaves a deleted or hidden message out of the count', async () => {
    const [ann, bob] = await signUps(served.t, 2)
    const chat = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const m = await say(ann!, chat.id, 'hello')
    expect(await mentionedUserIds(served.t.db, m.id)).toEqual([])
    await ann!.caller.messages.edit({ messageId: m.id, text: `hello @${bob!.login}` })
    expect(await mentionedUserIds(served.t.db, m.id)).toEqual([bob!.user.id])
    await ann!.caller.messages.edit({ messageId: m.id, text: 'hello you' })
    expect(await mentionedUserIds(served.t.db, m.id)).toEqual([])

    const two = await say(ann!, chat.id, `@${bob!.login} one`)
    const three = await say(ann!, chat.id, `@${bob!.login} two`)
    expect((await bob!.caller.chats.get({ chatId: chat.id })).unreadMentions).toBe(2)
    await ann!.caller.messages.delete({ messageId: two.id })
    expect(await mentionedUserIds(served.t.db, two.id)).toEqual([])
    await bob!.caller.messages.deleteForMe({ messageId: three.id })
    expect(await bob!.caller.chats.get({ chatId: chat.id })).toMatchObject({
      unreadMentions: 0,
      unreadCount: 1,
    })
  })

  it('the database finds the same mentions as findMentions, which the client highlights', async () => {
    const [ann, bob] = await signUps(served.t, 2)
    const chat = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const L = bob!.login
    const texts = [
      `@${L}.`,
      `@${L}-x`,
      `x@${L}`,
      `@@${L}`,
      `é@${L}!`,
      `привет,@${L.toUpperCase()}`,
      `@${L}_more`,
      `@${L}--`,
      `${'@x '.repeat(60)}@${L}`,
    ]
    for (const text of texts) {
      const m = await say(ann!, chat.id, text)
      const expected = findMentions(text).some((t) => t.login.toLowerCase() === L.toLowerCase())
      expect(await mentionedUserIds(served.t.db, m.id), text).toEqual(
        expected ? [bob!.user.id] : [],
      )
    }
  })

  it('a mention is never stored for a message that was refused', async () => {
    const [ann, bob, eve] = await signUps(served.t, 3)
    const chat = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    expect(await errorCode(say(eve!, chat.id, `@${bob!.login}`))).toBe('FORBIDDEN')
    expect((await bob!.caller.chats.get({ chatId: chat.id })).unreadMentions).toBe(0)
  })
})

describe('forward', () => {
  it('copies text and images into another chat, saying whose it was, seen live by its members', async () => {
    const [ann, bob, cid] = await signUps(served.t, 3)
    const source = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const target = await bob!.caller.chats.createDirect({ userId: cid!.user.id })
    const photo = await uploadImage(
      served.t.deps,
      ann!.user.id,
      await uprightCard().png().toBuffer(),
    )
    const original = await ann!.caller.messages.send({
      chatId: source.id,
      clientId: randomUUID(),
      text: `look @${cid!.login}`,
      imageIds: [photo.id],
    })
    const live = collectEvents(served.url, cid!.accessToken)
    await live.ready
    const clientId = randomUUID()
    const fwd = await bob!.caller.messages.forward({
      messageId: original.id,
      chatId: target.id,
      clientId,
    })
    expect(fwd).toMatchObject({
      chatId: target.id,
      sender: { id: bob!.user.id },
      text: original.text,
      images: [expect.objectContaining({ id: photo.id })],
      forwardedFrom: { messageId: original.id, sender: { id: ann!.user.id } },
      replyTo: null,
    })
    const [event] = await live.next(1)
    expect(event?.event).toMatchObject({
      type: 'message.created',
      message: { id: fwd.id, forwardedFrom: { sender: { id: ann!.user.id } } },
    })
    live.close()
    // cid, not in the source chat, sees the image through its signed URL.
    const page = await cid!.caller.messages.list({ chatId: target.id })
    const url = page.items[0]!.images[0]!.full.url
    expect((await served.t.app.request(url)).status).toBe(200)
    // Forwarded words mention nobody, and a forward of a forward names the first author.
    expect(await mentionedUserIds(served.t.db, fwd.id)).toEqual([])
    const back = await cid!.caller.messages.forward({
      messageId: fwd.id,
      chatId: target.id,
      clientId: randomUUID(),
    })
    expect(back.forwardedFrom).toMatchObject({
      messageId: original.id,
      sender: { id: ann!.user.id },
    })
    // The same clientId again: the same message, nothing stored twice.
    const again = await bob!.caller.messages.forward({
      messageId: original.id,
      chatId: target.id,
      clientId,
    })
    expect(again.id).toBe(fwd.id)
    expect((await bob!.caller.messages.list({ chatId: target.id })).items).toHaveLength(2)
    // A forward cannot be edited; its sender may delete it.
    expect(await errorCode(bob!.caller.messages.edit({ messageId: fwd.id, text: 'x' }))).toBe(
      'BAD_REQUEST',
    )
    await bob!.caller.messages.delete({ messageId: fwd.id })
  })

  it('authorization: member of both chats only, never a deleted message', async () => {
    const [ann, bob, eve] = await signUps(served.t, 3)
    const source = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const evesChat = await eve!.caller.chats.createDirect({ userId: ann!.user.id })
    const own = await eve!.caller.chats.createDirect({ userId: bob!.user.id })
    const m = await say(ann!, source.id, 'secret')
    const fwd = (who: typeof ann, messageId: string, chatId: string) =>
      who!.caller.messages.forward({ messageId, chatId, clientId: randomUUID() })
    // Non-member of the source: as if there were no such message.
    expect(await errorCode(fwd(eve, m.id, own.id))).toBe('NOT_FOUND')
    expect(await errorCode(fwd(eve, randomUUID(), own.id))).toBe('NOT_FOUND')
    // Member of the source, not of the target.
    expect(await errorCode(fwd(bob, m.id, evesChat.id))).toBe('FORBIDDEN')
    expect(await errorCode(fwd(bob, m.id, randomUUID()))).toBe('NOT_FOUND')
    // Deleted for everyone.
    const gone = await say(ann!, source.id, 'gone')
    await ann!.caller.messages.delete({ messageId: gone.id })
    expect(await errorCode(fwd(bob, gone.id, own.id))).toBe('BAD_REQUEST')
    // Not the sender is fine: anyone in both chats may forward anyone's message.
    expect((await fwd(bob, m.id, own.id)).forwardedFrom?.sender.id).toBe(ann!.user.id)
    // A clientId used in another chat.
    const clientId = randomUUID()
    await bob!.caller.messages.forward({ messageId: m.id, chatId: own.id, clientId })
    expect(
      await errorCode(
        bob!.caller.messages.forward({ messageId: m.id, chatId: source.id, clientId }),
      ),
    ).toBe('CONFLICT')
  })
})

describe('delete for me', () => {
  it('hides a message for the caller only: history, search, preview, unread; their tabs hear it', async () => {
    const [ann, bob] = await signUps(served.t, 2)
    const chat = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const first = await say(ann!, chat.id, 'zebrafinch first')
    const second = await say(ann!, chat.id, 'zebrafinch second')
    const head = await bob!.caller.messages.head()
    const tab = collectEvents(served.url, bob!.accessToken)
    const annTab = collectEvents(served.url, ann!.accessToken)
    await Promise.all([tab.ready, annTab.ready])

    // bob hides ann's last message (not his own: anyone may, for themselves).
    expect(await bob!.caller.messages.deleteForMe({ messageId: second.id })).toEqual({ ok: true })
    const events = await tab.next(2)
    expect(events.map((e) => e.event)).toEqual([
      { type: 'message.hidden', chatId: chat.id, messageId: second.id },
      expect.objectContaining({
        type: 'chat.updated',
        chat: expect.objectContaining({
          id: chat.id,
          unreadCount: 1,
          lastMessage: expect.objectContaining({ id: first.id }) as unknown,
        }) as unknown,
      }),
    ])
    // Twice changes nothing and tells nobody.
    await bob!.caller.messages.deleteForMe({ messageId: second.id })

    const bobs = await bob!.caller.messages.list({ chatId: chat.id })
    expect(bobs.items.map((m) => m.id)).toEqual([first.id])
    const anns = await ann!.caller.messages.list({ chatId: chat.id })
    expect(anns.items.map((m) => m.id)).toEqual([second.id, first.id])
    expect((await ann!.caller.chats.get({ chatId: chat.id })).lastMessage?.id).toBe(second.id)
    // Paging over a hidden message still fills the page.
    const paged = await bob!.caller.messages.list({ chatId: chat.id, limit: 1 })
    expect(paged.items.map((m) => m.id)).toEqual([first.id])

    // Search, once the index has the messages.
    await expect
      .poll(async () =>
        (await ann!.caller.messages.search({ query: 'zebrafinch' })).items.map((h) => h.message.id),
      )
      .toHaveLength(2)
    const found = await bob!.caller.messages.search({ query: 'zebrafinch' })
    expect(found.items.map((h) => h.message.id)).toEqual([first.id])

    // Hiding every message: the preview is empty.
    await bob!.caller.messages.deleteForMe({ messageId: first.id })
    expect((await bob!.caller.chats.get({ chatId: chat.id })).lastMessage).toBeNull()
    expect((await bob!.caller.chats.list({})).items.find((c) => c.id === chat.id)).toMatchObject({
      lastMessage: null,
      unreadCount: 0,
    })

    // A resumed stream replays the hidden events.
    await tab.next(4)
    const resumed = collectEvents(served.url, bob!.accessToken, {
      lastEventId: head.lastEventId ?? '0',
    })
    const replayed = await resumed.next(4)
    expect(replayed.map((e) => e.event.type)).toEqual([
      'message.hidden',
      'chat.updated',
      'message.hidden',
      'chat.updated',
    ])
    resumed.close()
    tab.close()
    // ann heard nothing of it.
    await new Promise((r) => setTimeout(r, 200))
    expect(annTab.received).toEqual([])
    annTab.close()
  })

  it('authorization: every member, every message; outsiders and unknown messages NOT_FOUND', async () => {
    const [ann, bob, eve] = await signUps(served.t, 3)
    const chat = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const m = await say(ann!, chat.id, 'hi')
    expect(await errorCode(eve!.caller.messages.deleteForMe({ messageId: m.id }))).toBe('NOT_FOUND')
    expect(await errorCode(bob!.caller.messages.deleteForMe({ messageId: randomUUID() }))).toBe(
      'NOT_FOUND',
    )
    // A message deleted for everyone can still be taken out of one's own history.
    await ann!.caller.messages.delete({ messageId: m.id })
    await bob!.caller.messages.deleteForMe({ messageId: m.id })
    await ann!.caller.messages.deleteForMe({ messageId: m.id })
    expect((await bob!.caller.messages.list({ chatId: chat.id })).items).toEqual([])
    expect(await errorCode(bob!.caller.messages.deleteForMe({ messageId: 'nope' }))).toBe(
      'BAD_REQUEST',
    )
  })
})
