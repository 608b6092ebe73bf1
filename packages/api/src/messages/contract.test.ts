/**
 * One contract for messages and search, run with each search index: MySQL's own always;
 * Elasticsearch when ELASTICSEARCH_URL points at a real server (docker compose up -d
 * elasticsearch), otherwise that suite is reported as skipped. Messages are in MySQL either way.
 * The index follows the event log, so search is awaited by polling (at most FRESH_MS, the
 * freshness promised), never by sleeping.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { Client } from '@elastic/elasticsearch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { orientedJpeg } from '@messenger/images/testing'
import { uploadImage } from '../images/service'
import { bearer, createTestApp, get, post, type TestApp, errorCode } from '../testing'

const esUrl = process.env.ELASTICSEARCH_URL
/** A message is searchable within this long of its send, edit or delete. */
const FRESH_MS = 2000
const eventually = <T>(read: () => Promise<T>) =>
  expect.poll(read, { timeout: FRESH_MS, interval: 20 })

const contract = (kind: 'mysql' | 'elasticsearch', env: () => Record<string, string>) => {
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
      await es.indices.deleteIndexTemplate({ name: `${t.config.elasticsearchIndex}-messenger` })
      await es.close()
    }
  })

  const send = (who: typeof ann, text: string, chat = chatId) =>
    who.caller.messages.send({ chatId: chat, clientId: randomUUID(), text })
  /** The top hits of `query`, once `id` leads them (Elasticsearch refreshes within 1 s). */
  const eventuallyTop = async <T extends { message: { id: string } }>(
    top: (query: string) => Promise<T[]>,
    query: string,
    id: string,
  ) => {
    await eventually(async () => (await top(query))[0]?.message.id).toBe(id)
    return top(query)
  }
  /** Waits until the index has applied every logged event (Elasticsearch then refreshes within 1 s). */
  const indexed = () =>
    expect.poll(() => t.deps.indexer.lag(), { timeout: FRESH_MS, interval: 20 }).toBe(0)
  const found = async (
    who: typeof ann,
    query: string,
    opts: { chatId?: string; limit?: number } = {},
  ) =>
    (await who.caller.messages.search({ query, limit: opts.limit ?? 20, ...opts })).items.map(
      (i) => i.message.id,
    )

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
      seen.push(...page.items.map((m) => m.text ?? m.system?.kind ?? ''))
      if (page.nextCursor === null) break
      before = page.nextCursor
    }
    // The oldest is the system message "Ann created the group".
    expect(seen).toEqual([...sent.map((m) => m.text).reverse(), 'created'])
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

    await eventually(() => found(bob, 'libary tomorow')).toContain(hit.id)
    const en = await bob.caller.messages.search({ query: 'libary tomorow', limit: 20 })
    expect(en.items.every((i) => i.message.chatId !== secret.id)).toBe(true)
    const top = en.items.find((i) => i.message.id === hit.id)!
    expect(top.highlight).toContain('<mark>library</mark>')

    await eventually(() => found(ann, 'библиотика')).toContain(ru.id)
    expect(await found(ann, 'елка')).toContain(ru.id)

    await eventually(() => found(eve, 'library', { chatId: secret.id })).toHaveLength(1)
    expect(
      await errorCode(
        bob.caller.messages.search({ query: 'library', chatId: secret.id, limit: 5 }),
      ),
    ).toBe('FORBIDDEN')
  })

  it('keeps search in step with edits and deletes', async () => {
    const m = await send(ann, 'zebra crossing')
    await eventually(() => found(ann, 'zebra', { limit: 5 })).toContain(m.id)
    await ann.caller.messages.edit({ messageId: m.id, text: 'giraffe crossing' })
    await eventually(() => found(ann, 'zebra', { limit: 5 })).toEqual([])
    await eventually(() => found(ann, 'giraffe', { limit: 5 })).toEqual([m.id])
    await ann.caller.messages.delete({ messageId: m.id })
    await eventually(() => found(ann, 'giraffe', { limit: 5 })).toEqual([])
  })

  it('searches by membership now: a member who leaves finds nothing more there', async () => {
    const group = await ann.caller.chats.createGroup({ title: 'Walrus', memberIds: [bob.user.id] })
    const m = await send(ann, 'walrus expedition', group.id)
    await eventually(() => found(bob, 'walrus')).toEqual([m.id])
    await bob.caller.chats.leave({ chatId: group.id })
    expect(await found(bob, 'walrus')).toEqual([])
    expect(await found(ann, 'walrus')).toEqual([m.id])
  })

  it('drops a deleted chat’s messages from the index', async () => {
    const group = await ann.caller.chats.createGroup({ title: 'Gone', memberIds: [] })
    await send(ann, 'ephemeral pelican', group.id)
    await send(ann, 'another pelican', group.id)
    await eventually(() => t.deps.search.count(group.id)).toBe(2)
    await ann.caller.chats.leave({ chatId: group.id })
    await eventually(() => t.deps.search.count(group.id)).toBe(0)
  })

  it('filters by sender, chat, images and days, typed in the query or as fields', async () => {
    const team = await ann.caller.chats.createGroup({
      title: 'Quarter Team',
      memberIds: [bob.user.id],
    })
    const annReport = await send(ann, 'quarterly report is ready', team.id)
    const bobReport = await send(bob, 'sales report attached', team.id)
    const direct = await send(bob, 'report for you alone')
    const image = await uploadImage(t.deps, bob.user.id, await orientedJpeg(1))
    const pictured = await bob.caller.messages.send({
      chatId: team.id,
      clientId: randomUUID(),
      text: 'report chart',
      imageIds: [image.id],
    })
    const found = async (input: Parameters<typeof ann.caller.messages.search>[0]) =>
      (await ann.caller.messages.search(input)).items.map((i) => i.message.id)
    await indexed()

    expect(await found({ query: `report from:${bob.login}`, limit: 20 })).toEqual([
      pictured.id,
      direct.id,
      bobReport.id,
    ])
    expect(await found({ query: 'report', from: bob.login.toUpperCase(), limit: 20 })).toEqual([
      pictured.id,
      direct.id,
      bobReport.id,
    ])
    expect(await found({ query: 'report in:"quarter team"', limit: 20 })).toEqual([
      pictured.id,
      bobReport.id,
      annReport.id,
    ])
    expect(await found({ query: `report in:${bob.login}`, limit: 20 })).toEqual([direct.id])
    expect(await found({ query: 'report has:image', limit: 20 })).toEqual([pictured.id])
    expect(await found({ query: `from:${bob.login} has:image`, limit: 20 })).toEqual([pictured.id])
    const today = new Date().toISOString().slice(0, 10)
    expect(await found({ query: `report before:${today}`, chatId: team.id, limit: 20 })).toEqual([])
    expect(await found({ query: 'report', after: today, chatId: team.id, limit: 20 })).toEqual([
      pictured.id,
      bobReport.id,
      annReport.id,
    ])
    // Unknown names find nothing rather than failing while the filter is being typed.
    expect(await found({ query: 'report from:nobody_here', limit: 20 })).toEqual([])
    expect(await found({ query: 'report in:"No such chat"', limit: 20 })).toEqual([])
    // Eve is not in the team: naming it does not let her search it.
    expect(
      (await eve.caller.messages.search({ query: 'report in:"Quarter Team"', limit: 20 })).items,
    ).toEqual([])

    const h = bearer(ann.accessToken)
    const badDay = await get(t.app, 'messages.search', { query: 'x', before: '2026-02-30' }, h)
    expect(badDay.status).toBe(400)
    expect(badDay.body.error?.message).toMatch(/^before:/)
    const empty = await get(t.app, 'messages.search', { query: '  ' }, h)
    expect(empty.body.error?.message).toMatch(/^query:/)
    const badCursor = await get(t.app, 'messages.search', { query: 'x', cursor: 'nope' }, h)
    expect(badCursor.status).toBe(400)
    expect(badCursor.body.error?.message).toMatch(/^cursor:/)
  })

  it('pages search results with a cursor that neither skips nor repeats', async () => {
    const group = await ann.caller.chats.createGroup({ title: 'Pages', memberIds: [] })
    const sent = []
    for (let i = 0; i < 7; i++) sent.push(await send(ann, `pagination sample ${i}`, group.id))
    await indexed()
    const seen: string[] = []
    let cursor: string | undefined
    for (let pages = 0; pages < 10; pages++) {
      const page = await ann.caller.messages.search({
        query: 'pagination',
        chatId: group.id,
        limit: 3,
        ...(cursor !== undefined && { cursor }),
      })
      seen.push(...page.items.map((i) => i.message.id))
      if (page.nextCursor === null) break
      cursor = page.nextCursor
    }
    expect(seen).toEqual(sent.map((m) => m.id).reverse())
  })

  it('finds what people really type: the other layout, an unfinished word, another form', async () => {
    const m = await send(bob, 'Обсудим оборону крепости и буйного коня')
    const duty = await send(bob, 'Everyone shares the responsibility')
    await indexed()
    const top = async (query: string) =>
      (await ann.caller.messages.search({ query, chatId, limit: 3 })).items
    const layout = await eventuallyTop(top, 'j,celbv j,jhjye', m.id)
    expect(layout[0]?.highlight).toContain('<mark>Обсудим</mark>')
    const prefix = await eventuallyTop(top, 'крепости оборо', m.id)
    expect(prefix[0]?.highlight).toContain('<mark>оборону</mark>')
    const form = await eventuallyTop(top, 'буйны', m.id)
    expect(form[0]?.highlight).toContain('<mark>буйного</mark>')
    // A typo in the unfinished word, from 5 letters on.
    const typoPrefix = await eventuallyTop(top, 'respnsib', duty.id)
    expect(typoPrefix[0]?.highlight).toContain('<mark>responsibility</mark>')
  })

  it('ranks the exact word above another form above a typo, newer first among equals', async () => {
    const group = await ann.caller.chats.createGroup({ title: 'Ranks', memberIds: [] })
    const exactOld = await send(ann, 'the castle stands', group.id)
    const typo = await send(ann, 'the cattle graze', group.id)
    const form = await send(ann, 'castles everywhere', group.id)
    const exactNew = await send(ann, 'a castle again', group.id)
    await indexed()
    await eventually(() => found(ann, 'castle', { chatId: group.id })).toEqual([
      exactNew.id,
      exactOld.id,
      form.id,
      typo.id,
    ])
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

describe('messages with the mysql search index', () => contract('mysql', () => ({})))

describe.skipIf(esUrl === undefined)(
  'messages with the elasticsearch search index (runs when ELASTICSEARCH_URL is set)',
  () =>
    contract('elasticsearch', () => ({
      ELASTICSEARCH_URL: esUrl ?? '',
      ELASTICSEARCH_INDEX: `messages-test-${randomBytes(4).toString('hex')}`,
      ELASTICSEARCH_REPLICAS: '0',
    })),
)
