/**
 * One contract for every message store: MySQL always; Elasticsearch when ELASTICSEARCH_URL points at
 * a real server (docker compose up -d elasticsearch), otherwise that suite is reported as skipped.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { Client } from '@elastic/elasticsearch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestApp, get, post, type TestApp, errorCode } from '../testing'

const esUrl = process.env.ELASTICSEARCH_URL

const contract = (env: () => Record<string, string>) => {
  let t: TestApp
  let ann: Awaited<ReturnType<TestApp['signUp']>>
  let bob: Awaited<ReturnType<TestApp['signUp']>>
  let eve: Awaited<ReturnType<TestApp['signUp']>>
  let chatId: string

  beforeAll(async () => {
    t = await createTestApp(env())
    ann = await t.signUp({ firstName: 'Ann' })
    bob = await t.signUp({ firstName: 'Bob' })
    eve = await t.signUp({ firstName: 'Eve' })
    chatId = (await ann.caller.chats.createDirect({ userId: bob.user.id })).id
  })
  afterAll(async () => {
    await t.close()
    // The Elasticsearch suite leaves no test index behind.
    if (t.config.elasticsearchUrl !== undefined) {
      const es = new Client({ node: t.config.elasticsearchUrl })
      await es.indices.delete({ index: t.config.elasticsearchIndex, ignore_unavailable: true })
      await es.close()
    }
  })

  const send = (who: typeof ann, text: string, chat = chatId) =>
    who.caller.messages.send({ chatId: chat, clientId: randomUUID(), text })

  it('sends and lists newest first with keyset pages that neither skip nor repeat', async () => {
    const group = await ann.caller.chats.createGroup({ title: 'Paging', memberIds: [bob.user.id] })
    const sent = []
    for (let i = 0; i < 7; i++) sent.push(await send(i % 2 ? bob : ann, `message ${i}`, group.id))
    expect(sent[0]).toMatchObject({
      chatId: group.id,
      text: 'message 0',
      deleted: false,
      editedAt: null,
    })
    expect(sent[0]!.sender).toEqual({
      id: ann.user.id,
      login: ann.user.login,
      firstName: 'Ann',
      lastName: ann.user.lastName,
    })
    const seen: string[] = []
    let before: string | undefined
    for (;;) {
      const page = await bob.caller.messages.list({
        chatId: group.id,
        limit: 3,
        ...(before && { before }),
      })
      seen.push(...page.items.map((m) => m.text ?? ''))
      if (page.nextCursor === null) break
      before = page.nextCursor
    }
    expect(seen).toEqual(sent.map((m) => m.text).reverse())
  })

  it('is idempotent per sender and clientId, also when both copies race', async () => {
    const clientId = randomUUID()
    const [a, b] = await Promise.all([
      ann.caller.messages.send({ chatId, clientId, text: 'once' }),
      ann.caller.messages.send({ chatId, clientId, text: 'once' }),
    ])
    const again = await ann.caller.messages.send({ chatId, clientId, text: 'once' })
    expect(b.id).toBe(a.id)
    expect(again.id).toBe(a.id)
    const list = await ann.caller.messages.list({ chatId, limit: 100 })
    expect(list.items.filter((m) => m.clientId === clientId)).toHaveLength(1)
    // Another sender may use the same clientId: it is only unique per sender.
    expect((await bob.caller.messages.send({ chatId, clientId, text: 'mine' })).id).not.toBe(a.id)
  })

  it('refuses a clientId that was used in another chat', async () => {
    const other = await ann.caller.chats.createDirect({ userId: eve.user.id })
    const clientId = randomUUID()
    await ann.caller.messages.send({ chatId, clientId, text: 'first' })
    expect(
      await errorCode(ann.caller.messages.send({ chatId: other.id, clientId, text: 'x' })),
    ).toBe('CONFLICT')
  })

  it('lets only the sender edit and delete; delete leaves a tombstone in history', async () => {
    const m = await send(ann, 'typo here')
    const edited = await ann.caller.messages.edit({ messageId: m.id, text: 'fixed here' })
    expect(edited).toMatchObject({ id: m.id, text: 'fixed here', deleted: false })
    expect(edited.editedAt).not.toBeNull()
    expect(await errorCode(bob.caller.messages.edit({ messageId: m.id, text: 'hack' }))).toBe(
      'FORBIDDEN',
    )
    expect(await errorCode(eve.caller.messages.edit({ messageId: m.id, text: 'hack' }))).toBe(
      'NOT_FOUND',
    )
    expect(await errorCode(bob.caller.messages.delete({ messageId: m.id }))).toBe('FORBIDDEN')
    expect(await ann.caller.messages.delete({ messageId: m.id })).toEqual({ ok: true })
    const list = await bob.caller.messages.list({ chatId, limit: 100 })
    expect(list.items.find((x) => x.id === m.id)).toMatchObject({
      deleted: true,
      text: null,
      images: [],
    })
    expect(await errorCode(ann.caller.messages.edit({ messageId: m.id, text: 'again' }))).toBe(
      'NOT_FOUND',
    )
  })

  it('counts unread messages from others until marked read', async () => {
    const group = await ann.caller.chats.createGroup({ title: 'Unread', memberIds: [bob.user.id] })
    await send(ann, 'one', group.id)
    await send(ann, 'two', group.id)
    const third = await send(ann, 'three', group.id)
    await send(bob, 'mine', group.id)
    const forBob = async () => (await bob.caller.chats.get({ chatId: group.id })).unreadCount
    expect(await forBob()).toBe(3)
    expect((await ann.caller.chats.get({ chatId: group.id })).unreadCount).toBe(1)
    await bob.caller.chats.markRead({ chatId: group.id, messageId: third.id })
    expect(await forBob()).toBe(0)
    const list = await bob.caller.chats.list({ limit: 30 })
    expect(list.items.find((c) => c.id === group.id)?.lastMessage?.text).toBe('mine')
  })

  it('finds messages with typos in English and Russian, only in the caller’s chats', async () => {
    const hit = await send(ann, 'Let us meet at the library tomorrow morning')
    const ru = await send(bob, 'Встречаемся в библиотеке, ёлка во дворе')
    const secret = await eve.caller.chats.createGroup({ title: 'Secret', memberIds: [] })
    await eve.caller.messages.send({
      chatId: secret.id,
      clientId: randomUUID(),
      text: 'library secret plans',
    })

    const en = await bob.caller.messages.search({ query: 'libary tomorow', limit: 20 })
    expect(en.items.map((i) => i.message.id)).toContain(hit.id)
    expect(en.items.every((i) => i.message.chatId !== secret.id)).toBe(true)
    const top = en.items.find((i) => i.message.id === hit.id)!
    expect(top.highlight).toContain('<mark>library</mark>')

    const russian = await ann.caller.messages.search({ query: 'библиотика', limit: 20 })
    expect(russian.items.map((i) => i.message.id)).toContain(ru.id)
    const yo = await ann.caller.messages.search({ query: 'елка', limit: 20 })
    expect(yo.items.map((i) => i.message.id)).toContain(ru.id)

    const inChat = await eve.caller.messages.search({
      query: 'library',
      chatId: secret.id,
      limit: 20,
    })
    expect(inChat.items).toHaveLength(1)
    expect(
      await errorCode(
        bob.caller.messages.search({ query: 'library', chatId: secret.id, limit: 5 }),
      ),
    ).toBe('FORBIDDEN')
  })

  it('keeps search in step with edits and deletes', async () => {
    const m = await send(ann, 'zebra crossing')
    expect(
      (await ann.caller.messages.search({ query: 'zebra', limit: 5 })).items.map(
        (i) => i.message.id,
      ),
    ).toContain(m.id)
    await ann.caller.messages.edit({ messageId: m.id, text: 'giraffe crossing' })
    expect((await ann.caller.messages.search({ query: 'zebra', limit: 5 })).items).toHaveLength(0)
    expect((await ann.caller.messages.search({ query: 'giraffe', limit: 5 })).items).toHaveLength(1)
    await ann.caller.messages.delete({ messageId: m.id })
    expect((await ann.caller.messages.search({ query: 'giraffe', limit: 5 })).items).toHaveLength(0)
  })

  it('shows outsiders nothing', async () => {
    expect(await errorCode(eve.caller.messages.list({ chatId, limit: 5 }))).toBe('FORBIDDEN')
    expect(await errorCode(send(eve, 'hi'))).toBe('FORBIDDEN')
    expect(await errorCode(eve.caller.chats.markRead({ chatId, messageId: randomUUID() }))).toBe(
      'FORBIDDEN',
    )
  })

  it('answers bad input with 400 naming the field, and an unknown chat with 404', async () => {
    const h = bearer(ann.accessToken)
    const long = await post(
      t.app,
      'messages.send',
      { chatId, clientId: randomUUID(), text: 'x'.repeat(4001) },
      h,
    )
    expect(long.status).toBe(400)
    expect(long.body.error?.message).toMatch(/^text:/)
    const blank = await post(
      t.app,
      'messages.send',
      { chatId, clientId: randomUUID(), text: '   ' },
      h,
    )
    expect(blank.status).toBe(400)
    const none = await post(t.app, 'messages.send', { chatId, clientId: randomUUID() }, h)
    expect(none.status).toBe(400)
    const many = await post(
      t.app,
      'messages.send',
      { chatId, clientId: randomUUID(), imageIds: Array.from({ length: 11 }, () => randomUUID()) },
      h,
    )
    expect(many.body.error?.message).toMatch(/^imageIds:/)
    const badId = await post(t.app, 'messages.send', { chatId, clientId: 'nope', text: 'x' }, h)
    expect(badId.body.error?.message).toMatch(/^clientId:/)
    const limit = await get(t.app, 'messages.list', { chatId, limit: 101 }, h)
    expect(limit.status).toBe(400)
    const unknown = await get(t.app, 'messages.list', { chatId: randomUUID() }, h)
    expect(unknown.status).toBe(404)
    const unknownSend = await post(
      t.app,
      'messages.send',
      { chatId: randomUUID(), clientId: randomUUID(), text: 'x' },
      h,
    )
    expect(unknownSend.status).toBe(404)
  })
}

describe('mysql message store', () => contract(() => ({})))

describe.skipIf(esUrl === undefined)(
  'elasticsearch message store (runs when ELASTICSEARCH_URL is set)',
  () =>
    contract(() => ({
      ELASTICSEARCH_URL: esUrl ?? '',
      ELASTICSEARCH_INDEX: `messages-test-${randomBytes(4).toString('hex')}`,
    })),
)
