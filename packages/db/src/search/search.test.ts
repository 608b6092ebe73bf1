import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, type TestDb } from '../testing'
import { indexMessageText, reindexMessageText } from './index-text'
import { searchMessageIds } from './search'

let t: TestDb
const uid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
const alice = uid(1)
const bob = uid(2)
const carol = uid(3)
const withBob = uid(11)
const withCarol = uid(12)
const withoutAlice = uid(13)

// UUIDv7-shaped ids whose time part grows with n, so a larger n is a newer message.
let clock = 0
const nextMessageId = () => {
  const h = (0x0190_0000_0000 + ++clock).toString(16).padStart(12, '0')
  return `${h.slice(0, 8)}-${h.slice(8)}-7000-8000-${String(clock).padStart(12, '0')}`
}

/** Stores a message and indexes it in one transaction, as the message store does. */
const send = async (chatId: string, text: string | null, senderId = alice) => {
  const id = nextMessageId()
  await t.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('messages')
      .values({ id, chat_id: chatId, sender_id: senderId, client_id: id, text, image_ids: null })
      .execute()
    await indexMessageText(trx, { messageId: id, chatId, text })
  })
  return id
}

const search = async (
  query: string,
  opts: { userId?: string; chatId?: string; limit?: number } = {},
) =>
  searchMessageIds(t.db, {
    userId: opts.userId ?? alice,
    query,
    chatId: opts.chatId,
    limit: opts.limit ?? 20,
  })
const ids = async (query: string, opts: Parameters<typeof search>[1] = {}) =>
  (await search(query, opts)).map((h) => h.messageId)

const m: Record<string, string> = {}

beforeAll(async () => {
  t = await createTestDb()
  await t.db
    .insertInto('users')
    .values(
      [alice, bob, carol].map((id, i) => ({
        id,
        login: `user${i}`,
        email: `user${i}@example.com`,
        first_name: 'A',
        last_name: 'B',
        password_hash: 'x'.repeat(64),
        password_salt: 'y'.repeat(32),
      })),
    )
    .execute()
  await t.db
    .insertInto('chats')
    .values(
      [withBob, withCarol, withoutAlice].map((id) => ({
        id,
        title: null,
        owner_id: null,
        direct_key: null,
        member_count: 2,
        last_message_id: null,
      })),
    )
    .execute()
  await t.db
    .insertInto('chat_members')
    .values([
      { chat_id: withBob, user_id: alice },
      { chat_id: withBob, user_id: bob },
      { chat_id: withCarol, user_id: alice },
      { chat_id: withCarol, user_id: carol },
      { chat_id: withoutAlice, user_id: bob },
      { chat_id: withoutAlice, user_id: carol },
    ])
    .execute()

  m.hello = await send(withBob, 'Привет, как дела?')
  m.meeting = await send(withBob, 'Встреча завтра в офисе: see you at the MEETING, world!')
  m.tree = await send(withCarol, 'Ёлка уже стоит')
  m.secret = await send(withoutAlice, 'Привет без Алисы', bob)
  m.image = await send(withBob, null)
  m.tree2 = await send(withCarol, 'ЕЛКА зелёная')
})
afterAll(() => t.drop())

describe('searchMessageIds', () => {
  it('finds Russian words with one edit in 3-5 letters, never two', async () => {
    expect(await ids('дила')).toEqual([m.hello])
    expect(await ids('дел')).toEqual([m.hello])
    expect(await ids('дило')).toEqual([])
    expect(await ids('как')).toEqual([m.hello])
    expect(await ids('кэк')).toEqual([m.hello])
    expect(await ids('кэы')).toEqual([])
  })

  it('finds Russian words with two edits beyond 5 letters, never three', async () => {
    expect(await ids('встрча')).toEqual([m.meeting])
    expect(await ids('вcтрече')).toEqual([m.meeting]) // a Latin "c" and an е: two edits
    expect(await ids('вcтрeчи')).toEqual([]) // Latin "c" and "e", and и: three
    expect(await ids('встрече')).toEqual([m.meeting])
    expect(await ids('вснречи')).toEqual([m.meeting])
    expect(await ids('вснрече')).toEqual([m.meeting])
    expect(await ids('вснрчи')).toEqual([])
  })

  it('finds English words the same way, counting a transposition as one edit', async () => {
    expect(await ids('wrold')).toEqual([m.meeting])
    expect(await ids('wxrld')).toEqual([m.meeting])
    expect(await ids('wxrlx')).toEqual([])
    expect(await ids('meetnig')).toEqual([m.meeting])
    expect(await ids('mxxting')).toEqual([m.meeting])
    expect(await ids('mxxxing')).toEqual([])
  })

  it('matches words of 1-2 letters exactly', async () => {
    expect(await ids('в')).toEqual([m.meeting])
    expect(await ids('at')).toEqual([m.meeting])
    expect(await ids('an')).toEqual([])
    expect(await ids('ф')).toEqual([])
  })

  it('folds case and ё/е on both sides', async () => {
    expect((await ids('ёлка')).sort()).toEqual([m.tree, m.tree2].sort())
    expect((await ids('ЕЛКА')).sort()).toEqual([m.tree, m.tree2].sort())
    expect(await ids('зеленая')).toEqual([m.tree2])
    expect(await ids('Meeting')).toEqual([m.meeting])
  })

  it('never changes the first letter', async () => {
    expect(await ids('бривет')).toEqual([])
    expect(await ids('фстреча')).toEqual([])
    expect(await ids('ривет')).toEqual([])
  })

  it('searches only the chats the caller is a member of, or the one chat asked for', async () => {
    expect(await ids('привет')).toEqual([m.hello])
    expect((await ids('привет', { userId: bob })).sort()).toEqual([m.hello, m.secret].sort())
    expect(await ids('привет', { chatId: withoutAlice })).toEqual([])
    expect(await ids('привет', { userId: bob, chatId: withoutAlice })).toEqual([m.secret])
    expect(await ids('елка', { chatId: withBob })).toEqual([])
    expect(await ids('привет', { userId: uid(99) })).toEqual([])
    // "без" is indexed, but only in a chat alice is not in.
    expect(await ids('привет без')).toEqual([m.hello])
    expect(await ids('без')).toEqual([])
  })

  it('finds a word whose newest postings are all in chats the caller is not in', async () => {
    const mine = await send(withBob, 'зебра полосатая')
    for (let i = 0; i < 4; i++) await send(withoutAlice, `зебра полосатая ${i}`, bob)
    expect(await ids('зебра', { limit: 1 })).toEqual([mine])
    // Newer one-word messages push `mine` out of both words' first pages.
    const zebra = await send(withBob, 'зебра')
    await send(withBob, 'полосатая')
    expect(await ids('зебра', { limit: 1 })).toEqual([zebra])
    expect(await ids('зебра полосатая', { limit: 1 })).toEqual([mine])
    expect(await ids('зебра полосатая', { limit: 1, userId: bob })).not.toEqual([mine])
  })

  it('returns the indexed terms matched, for highlighting', async () => {
    const [hit] = await search('превет дила')
    expect(hit?.messageId).toBe(m.hello)
    expect(hit?.terms.sort()).toEqual(['дела', 'привет'])
    expect(hit?.score).toBe(2000 - 3 - 3) // two words, one typo each
  })

  it('ranks more words matched first, then fewer edits, then newest', async () => {
    const old = await send(withCarol, 'кот спит')
    const cat = await send(withCarol, 'кот')
    const whale = await send(withCarol, 'кит спит')
    const newestCat = await send(withCarol, 'кот')
    const hits = await search('кот спит')
    expect(hits.map((h) => h.messageId)).toEqual([old, whale, newestCat, cat])
    expect(hits.map((h) => h.score)).toEqual([2000, 1997, 1000, 1000])
    expect(await ids('кот спит', { limit: 2 })).toEqual([old, whale])
  })

  it('finds an old message matching every word behind pages of newer one-word matches', async () => {
    const both = await send(withBob, 'альфа бета')
    for (let i = 0; i < 25; i++) await send(withBob, `альфа ${i}`)
    for (let i = 0; i < 25; i++) await send(withBob, `бета ${i}`)
    expect(await ids('альфа бета', { limit: 1 })).toEqual([both])
    expect(await ids('альфы бетта', { limit: 1 })).toEqual([both])
  })

  it('replaces the postings of an edited message and drops those of a deleted one', async () => {
    const id = await send(withBob, 'старый текст')
    expect(await ids('старый')).toEqual([id])
    await reindexMessageText(t.db, { messageId: id, chatId: withBob, text: 'новый текст' })
    expect(await ids('старый')).toEqual([])
    expect(await ids('новый')).toEqual([id])
    await reindexMessageText(t.db, { messageId: id, chatId: withBob, text: null })
    expect(await ids('новый')).toEqual([])
    expect(await ids('текст')).toEqual([])
  })

  it('indexes overlapping new words from concurrent transactions without deadlock or loss', async () => {
    // Regression: a locking read of absent terms took gap locks that deadlocked two senders.
    const pool = ['одновременно', 'появились', 'слова', 'zyxwv', 'qwerty', 'ёжик', 'юла', 'яхта']
    const texts = Array.from({ length: 12 }, (_, i) =>
      pool.filter((_, j) => (i + j) % 3 !== 0).join(i % 2 === 0 ? ' ' : ' , '),
    )
    const sent = await Promise.all(texts.map((text) => send(withBob, text)))
    for (const word of pool) {
      const expected = sent.filter((_, i) => texts[i]!.includes(word)).sort()
      expect((await ids(word, { limit: 50 })).sort(), word).toEqual(expected)
    }
    const terms = await t.db
      .selectFrom('search_terms')
      .select('term')
      .where(
        'term',
        'in',
        pool.map((w) => w.replace('ё', 'е')),
      )
      .execute()
    expect(terms).toHaveLength(pool.length)
  })

  it('ignores punctuation-only queries and image-only messages', async () => {
    expect(await ids('?!')).toEqual([])
    const postings = await t.db
      .selectFrom('search_postings')
      .select('term_id')
      .where('message_id', '=', Buffer.from(m.image!.replaceAll('-', ''), 'hex'))
      .execute()
    expect(postings).toEqual([])
  })
})
