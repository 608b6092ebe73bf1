import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as stemsMigration from '../../migrations/2026_12_02_033700_add_search_term_stems'
import { createTestDb, type TestDb } from '../testing'
import { MATCH_COST } from './expand'
import { prefixDistance } from './fuzzy'
import { indexMessageText } from './index-text'
import { switchLayout } from '@messenger/shared'
import { searchMessageIds } from './search'
import { stemOf } from './stem'

// Search as people type: the wrong keyboard layout, an unfinished last word, another word form.
let t: TestDb
const uid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
const alice = uid(1)
const chat = uid(11)
const other = uid(12)

let clock = 0
const nextMessageId = () => {
  const h = (0x0190_0000_0000 + ++clock).toString(16).padStart(12, '0')
  return `${h.slice(0, 8)}-${h.slice(8)}-7000-8000-${String(clock).padStart(12, '0')}`
}
const send = async (text: string, chatId = chat) => {
  const id = nextMessageId()
  await t.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('messages')
      .values({ id, chat_id: chatId, sender_id: alice, client_id: id, text, image_ids: null })
      .execute()
    await indexMessageText(trx, { messageId: id, chatId, text })
  })
  return id
}
const search = (query: string, chatId = chat) =>
  searchMessageIds(t.db, { userId: alice, query, chatId, limit: 20 })
const ids = async (query: string, chatId = chat) =>
  (await search(query, chatId)).map((h) => h.messageId)

const m: Record<string, string> = {}

beforeAll(async () => {
  t = await createTestDb()
  await t.db
    .insertInto('users')
    .values({
      id: alice,
      login: 'alice',
      email: 'alice@example.com',
      first_name: 'A',
      last_name: 'B',
      password_hash: 'x'.repeat(64),
      password_salt: 'y'.repeat(32),
    })
    .execute()
  await t.db
    .insertInto('chats')
    .values(
      [chat, other].map((id) => ({
        id,
        title: null,
        owner_id: null,
        direct_key: null,
        member_count: 1,
        last_message_id: null,
      })),
    )
    .execute()
  await t.db
    .insertInto('chat_members')
    .values([chat, other].map((id) => ({ chat_id: id, user_id: alice })))
    .execute()
  m.hello = await send('Привет! Как прошёл обед?')
  m.english = await send('hello world, see you at lunch')
  m.punct = await send('Хорошо, журнал этот про подъём, любовь и ёлку')
  m.defence = await send('Оборона города держится')
  m.responsibility = await send('It is your responsibility to review the tasks')
  m.wild = await send('Буйного ветра ждали все')
  m.symbol = await send('The dove symbolizes peace')
})
afterAll(() => t.drop())

describe('keyboard layout', () => {
  it('maps every key both ways, the punctuation keys of б ю ж э х ъ ё included', () => {
    expect(switchLayout('ghbdtn')).toBe('привет')
    expect(switchLayout('руддщ')).toBe('hello')
    expect(switchLayout("[jhjij ;ehyfk 'njn gjl]`v k.,jdm")).toBe(
      'хорошо журнал этот подъём любовь',
    )
    expect(switchLayout('ПРИВЕТ')).toBe('GHBDTN')
    expect(switchLayout('2024')).toBe(null)
  })

  it('finds Russian typed with the English layout on, and English typed with the Russian one', async () => {
    const [hit] = await search('ghbdtn j,tl')
    expect(hit?.messageId).toBe(m.hello)
    expect(hit?.layout).toBe('привет обед')
    expect(hit?.terms.sort()).toEqual(['обед', 'привет'])
    const [en] = await search('руддщ цщкдв')
    expect(en?.messageId).toBe(m.english)
    expect(en?.terms.sort()).toEqual(['hello', 'world'])
  })

  it('reads the punctuation keys as letters', async () => {
    expect(await ids("[jhjij ;ehyfk 'njn gjl]`v k.,jdm")).toEqual([m.punct])
    expect(await ids('`kre')).toEqual([m.punct]) // "ёлку"
  })

  it('keeps a query that reads as typed, and ranks a layout match below the same match typed', async () => {
    const [typed] = await search('привет')
    const [switched] = await search('ghbdtn')
    expect(typed?.layout).toBe(null)
    expect(switched?.messageId).toBe(typed?.messageId)
    expect(typed!.score - switched!.score).toBe(MATCH_COST.layout)
    expect(await ids('hello')).toEqual([m.english])
  })

  it('switches an unfinished last word that only the other layout completes', async () => {
    expect(await ids('ghbd')).toEqual([m.hello])
  })
})

describe('unfinished last word', () => {
  it('matches the last word as a prefix, from two letters', async () => {
    expect(await ids('оборо')).toEqual([m.defence])
    expect(await ids('responsib')).toEqual([m.responsibility])
    expect((await search('оборо'))[0]?.terms).toEqual(['оборона'])
    expect(await ids('об')).toContain(m.defence)
    expect(await ids('о')).toEqual([])
  })

  it('keeps the other words whole', async () => {
    // "оборо" is not the last word: the message holds only "города" of the query.
    const [hit] = await search('оборо города')
    expect(hit?.messageId).toBe(m.defence)
    expect(hit?.terms).toEqual(['города'])
    expect(hit?.score).toBe(1000)
    expect((await search('города оборо'))[0]?.score).toBe(2000 - MATCH_COST.prefix)
  })

  it('forgives one typo in an unfinished word of 5 letters or more, none in shorter ones', async () => {
    expect(await ids('respnsib')).toEqual([m.responsibility])
    expect(await ids('rexponsib')).toEqual([m.responsibility])
    expect(await ids('rexpnsib')).toEqual([])
    expect(await ids('обаро')).toEqual([m.defence])
    expect(await ids('обар')).toEqual([])
    expect(prefixDistance('respnsib', 'responsibility')).toBe(1)
    expect(prefixDistance('обор', 'оборона')).toBe(0)
    expect(prefixDistance('оборна', 'оборона')).toBe(1)
  })
})

describe('word forms', () => {
  it('stems Russian and English the way Elasticsearch does', () => {
    expect(stemOf('буйного')).toBe(stemOf('буйны'))
    expect(stemOf('symbolizing')).toBe(stemOf('symbolizes'))
    expect(stemOf('встреча')).toBe(stemOf('встречи'))
    expect(stemOf('2024')).toBe('2024')
  })

  it('finds another form of a word beyond its typo allowance', async () => {
    expect(await ids('буйны')).toEqual([m.wild])
    expect((await search('буйны'))[0]?.terms).toEqual(['буйного'])
    expect(await ids('symbolizing peace')).toEqual([m.symbol])
  })

  it('fills in the stems of terms indexed before stems existed', async () => {
    const before = await t.db.selectFrom('search_terms').select(['term', 'stem']).execute()
    const untyped = t.db.withoutPlugins() as unknown as Kysely<unknown>
    await stemsMigration.down(untyped)
    await sql`INSERT INTO search_terms (term) VALUES ('пропущенного')`.execute(t.db)
    await stemsMigration.up(untyped)
    const after = await t.db.selectFrom('search_terms').select(['term', 'stem']).execute()
    expect(after.length).toBe(before.length + 1)
    for (const r of after) expect(r.stem, r.term).toBe(stemOf(r.term))
  })
})

describe('ranking', () => {
  it('puts an exact word before a form, a completion, a typo, and newer before older', async () => {
    const exactOld = await send('meet at noon', other)
    const exactNew = await send('meet me there', other)
    const typo = await send('meat for dinner', other)
    const prefix = await send('a meetup next week', other)
    const form = await send('meeting notes', other)
    const hits = await search('meet', other)
    expect(hits.map((h) => h.messageId)).toEqual([exactNew, exactOld, form, prefix, typo])
    expect(hits.map((h) => 1000 - h.score)).toEqual([
      MATCH_COST.exact,
      MATCH_COST.exact,
      MATCH_COST.form,
      MATCH_COST.prefix,
      MATCH_COST.typo + 1,
    ])
  })
})
