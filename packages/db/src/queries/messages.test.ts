import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTerms } from '../search'
import { createTestDb, type TestDb } from '../testing'
import { sendMessageRow } from './messages'

let t: TestDb
const uid = (prefix: string, n: number) => `${prefix}-0000-7000-8000-${String(n).padStart(12, '0')}`
const user = uid('00000000', 1)
const chats = Array.from({ length: 300 }, (_, i) => uid('00000001', i))
/** UUIDv7-shaped: a larger n is a newer message. */
const messageId = (n: number) => uid(`0190${String(n).padStart(4, '0')}`, n)

const send = (n: number, chatId = chats[0]!) =>
  sendMessageRow(t.db, {
    id: messageId(n),
    chat_id: chatId,
    sender_id: user,
    client_id: messageId(n),
    text: `message ${n}`,
    image_ids: null,
    created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
    edited_at: null,
    deleted: 0,
  })

beforeAll(async () => {
  t = await createTestDb()
  await t.db
    .insertInto('users')
    .values({
      id: user,
      login: 'sender',
      email: 'sender@example.com',
      first_name: 'S',
      last_name: 'U',
      password_hash: 'x'.repeat(64),
      password_salt: 'y'.repeat(32),
    })
    .execute()
  await t.db
    .insertInto('chats')
    .values(
      chats.map((id) => ({
        id,
        title: 't',
        member_count: 1,
        created_at: new Date(Date.UTC(2025, 0, 1)),
        updated_at: new Date(Date.UTC(2025, 0, 1)),
      })),
    )
    .execute()
  await t.db
    .insertInto('chat_members')
    .values(chats.map((id) => ({ chat_id: id, user_id: user })))
    .execute()
})
afterAll(() => t.drop())

describe('send_message', () => {
  it('finds the chat by its primary key instead of reading every chat (regression)', async () => {
    // Parameters declared in the default character set made `WHERE id = p_chat_id` compare by
    // conversion: the UPDATE read all 300 chats (EXPLAIN type `index`) and locked them.
    const reads = await t.db.connection().execute(async (conn) => {
      const counters = async () => {
        const r = await sql<{ Variable_name: string; Value: string }>`
          SHOW SESSION STATUS WHERE Variable_name IN
            ('Handler_read_next', 'Handler_read_rnd_next', 'Handler_read_first')`.execute(conn)
        return r.rows.reduce((n, row) => n + Number(row.Value), 0)
      }
      const before = await counters()
      const sent = await sendMessageRow(conn, {
        id: messageId(1),
        chat_id: chats[150]!,
        sender_id: user,
        client_id: messageId(1),
        text: 'hello',
        image_ids: null,
        created_at: new Date(),
        edited_at: null,
        deleted: 0,
      })
      expect(sent.status).toBe('sent')
      return (await counters()) - before
    })
    expect(reads).toBeLessThan(20)
  })

  it('moves a chat’s last message only forward when an older send commits last (regression)', async () => {
    const chat = chats[7]!
    expect(await send(20, chat)).toMatchObject({ status: 'sent' })
    // An older message (smaller UUIDv7) committing after a newer one must not become the last.
    expect(await send(10, chat)).toMatchObject({ status: 'sent' })
    const row = await t.db
      .selectFrom('chats')
      .select(['last_message_id', 'updated_at'])
      .where('id', '=', chat)
      .executeTakeFirstOrThrow()
    expect(row.last_message_id).toBe(messageId(20))
    expect(row.updated_at.toISOString()).toBe('2026-01-01T00:00:20.000Z')
    expect(await send(30, chat)).toMatchObject({ status: 'sent' })
    const after = await t.db
      .selectFrom('chats')
      .select('last_message_id')
      .where('id', '=', chat)
      .executeTakeFirstOrThrow()
    expect(after.last_message_id).toBe(messageId(30))
  })

  it('writes no search postings: the indexer does, from the event log', async () => {
    expect(await send(40)).toMatchObject({ status: 'sent' })
    const postings = await t.db
      .selectFrom('search_postings')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(postings.n)).toBe(0)
  })
})

describe('ensureTerms', () => {
  it('survives concurrent inserts of overlapping new words (regression: deadlocks)', async () => {
    for (let round = 0; round < 10; round++) {
      const words = Array.from({ length: 30 }, (_, i) => `w${round}x${i}abc`)
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, k) =>
          ensureTerms(
            t.db,
            words.filter((_, i) => (i + k) % 3 !== 0),
          ),
        ),
      )
      // Every caller gets the same id for a word.
      for (const w of words) {
        expect(new Set(results.flatMap((r) => r.get(w) ?? [])).size).toBe(1)
      }
    }
  })
})
