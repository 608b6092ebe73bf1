import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, type TestDb } from '../testing'
import { indexMessageText } from './index-text'
import { searchMessageIds, type SearchQuery } from './search'

let t: TestDb
const uid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
const alice = uid(1)
const bob = uid(2)
const chatA = uid(11)
const chatB = uid(12)
const foreign = uid(13)

/** A UUIDv7 for a message sent at `day` (plus n ms, so ids stay unique and ordered). */
let n = 0
const idAt = (day: string) => {
  const h = (Date.parse(`${day}T12:00:00Z`) + ++n).toString(16).padStart(12, '0')
  return `${h.slice(0, 8)}-${h.slice(8)}-7000-8000-${String(n).padStart(12, '0')}`
}
const send = async (
  day: string,
  text: string | null,
  opts: { sender?: string; chat?: string; image?: boolean } = {},
) => {
  const id = idAt(day)
  const chatId = opts.chat ?? chatA
  await t.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('messages')
      .values({
        id,
        chat_id: chatId,
        sender_id: opts.sender ?? alice,
        client_id: id,
        text,
        image_ids: opts.image === true ? uid(99) : null,
      })
      .execute()
    await indexMessageText(trx, { messageId: id, chatId, text })
  })
  return id
}
const ids = async (query: string, f: Partial<SearchQuery> = {}) =>
  (await searchMessageIds(t.db, { userId: alice, query, limit: 20, ...f })).map((h) => h.messageId)

const m: Record<string, string> = {}

beforeAll(async () => {
  t = await createTestDb()
  await t.db
    .insertInto('users')
    .values(
      [alice, bob].map((id, i) => ({
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
      [chatA, chatB, foreign].map((id) => ({
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
      { chat_id: chatA, user_id: alice },
      { chat_id: chatA, user_id: bob },
      { chat_id: chatB, user_id: alice },
      { chat_id: chatB, user_id: bob },
      { chat_id: foreign, user_id: bob },
    ])
    .execute()
  m.octAlice = await send('2026-10-15', 'отчёт за октябрь')
  m.novBob = await send('2026-11-03', 'отчёт за ноябрь', { sender: bob })
  m.novImage = await send('2026-11-20', 'отчёт со схемой', { image: true })
  m.decB = await send('2026-12-01', 'отчёт в другом чате', { chat: chatB, sender: bob })
  m.photoOnly = await send('2026-12-01', null, { sender: bob, image: true })
  m.foreign = await send('2026-12-01', 'отчёт чужой', { chat: foreign, sender: bob, image: true })
})
afterAll(() => t.drop())

describe('search filters', () => {
  it('narrows words by sender, images and dates, in the caller chats only', async () => {
    expect(await ids('отчёт')).toEqual([m.decB, m.novImage, m.novBob, m.octAlice])
    expect(await ids('отчёт', { senderId: bob })).toEqual([m.decB, m.novBob])
    expect(await ids('отчёт', { hasImage: true })).toEqual([m.novImage])
    expect(await ids('отчет', { after: new Date('2026-11-01') })).toEqual([
      m.decB,
      m.novImage,
      m.novBob,
    ])
    expect(
      await ids('отчёт', { after: new Date('2026-11-01'), before: new Date('2026-12-01') }),
    ).toEqual([m.novImage, m.novBob])
    expect(await ids('отчёт', { senderId: bob, chatId: chatA })).toEqual([m.novBob])
  })

  it('lists messages by filters alone, newest first, deleted ones left out', async () => {
    expect(await ids('', { senderId: bob })).toEqual([m.photoOnly, m.decB, m.novBob])
    expect(await ids('', { hasImage: true })).toEqual([m.photoOnly, m.novImage])
    expect(await ids('', { hasImage: true, chatId: chatB })).toEqual([])
    expect(await ids('', { before: new Date('2026-11-01') })).toEqual([m.octAlice])
    await t.db.updateTable('messages').set({ deleted: 1 }).where('id', '=', m.photoOnly!).execute()
    expect(await ids('', { senderId: bob })).toEqual([m.decB, m.novBob])
    expect(await ids('')).toEqual([])
  })

  it('walks past many postings that fail a sender filter', async () => {
    const mine = await send('2026-09-01', 'редкое совпадение', { sender: bob })
    for (let i = 0; i < 60; i++) await send('2026-09-02', `редкое ${i}`)
    expect(await ids('редкое', { senderId: bob, limit: 5 })).toEqual([mine])
    expect(await ids('редкое совпадение', { senderId: bob, limit: 1 })).toEqual([mine])
  })
})
