import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTerms } from '../search'
import { createTestDb, type TestDb } from '../testing'
import { sendMessageRow, sendMessageRows } from './messages'

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

describe('send_messages, one message', () => {
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

describe('send_messages (a batch)', () => {
  const row = (n: number, chatId: string, over: { senderId?: string; clientId?: string } = {}) => ({
    id: messageId(n),
    chat_id: chatId,
    sender_id: over.senderId ?? user,
    client_id: over.clientId ?? messageId(n),
    text: `batch ${n} 👋 ${'ы'.repeat(n % 3)}`,
    image_ids: null,
    created_at: new Date(Date.UTC(2026, 1, 1, 0, 0, n % 60)),
    edited_at: null,
    deleted: 0 as const,
  })

  it('gives each message its own outcome, and the refused ones leave no trace', async () => {
    const [a, b, closed, foreign] = [chats[200]!, chats[201]!, chats[202]!, chats[203]!]
    await t.db
      .updateTable('chats')
      .set({ closed_at: new Date() })
      .where('id', '=', closed)
      .execute()
    await t.db.deleteFrom('chat_members').where('chat_id', '=', foreign).execute()
    const before = await t.db
      .selectFrom('chats')
      .select(['id', 'last_message_id'])
      .where('id', 'in', [closed, foreign])
      .execute()
    // Out of chat order on purpose (the batch is sorted by chat), with a clientId used twice.
    const rows = [
      row(501, b),
      row(502, foreign),
      row(503, a),
      row(504, closed),
      row(505, b, { clientId: messageId(501) }),
      row(506, a),
    ]
    const outcomes = await sendMessageRows(t.db, rows)
    expect(outcomes.map((o) => o.status)).toEqual([
      'sent',
      'not_member',
      'sent',
      'closed',
      'duplicate',
      'sent',
    ])
    const sent = outcomes.flatMap((o) => (o.status === 'sent' ? [o] : []))
    for (const o of sent) expect(o.members.ids).toEqual([user])
    // One transaction: consecutive event ids, in chat order (a before b), each for its message.
    const ids = sent.map((o) => Number(o.eventId)).sort((x, y) => x - y)
    expect(ids[2]! - ids[0]!).toBe(2)
    const events = await t.db
      .selectFrom('chat_events')
      .select(['id', 'message_id', 'chat_id'])
      .where('id', '>=', ids[0]!)
      .orderBy('id')
      .execute()
    expect(events.map((e) => [e.id, e.message_id])).toEqual([
      [ids[0], messageId(503)],
      [ids[1], messageId(506)],
      [ids[2], messageId(501)],
    ])
    const stored = await t.db
      .selectFrom('messages')
      .select(['id', 'text'])
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('id')
      .execute()
    expect(stored).toEqual([501, 503, 506].map((n) => ({ id: messageId(n), text: row(n, a).text })))
    const after = await t.db
      .selectFrom('chats')
      .select(['id', 'last_message_id'])
      .where('id', 'in', [closed, foreign])
      .execute()
    expect(after).toEqual(before)
  })

  it('answers the audience of each chat when one batch holds several runs of them', async () => {
    const [c1, c2] = [chats[210]!, chats[211]!]
    const other = uid('00000000', 2)
    await t.db
      .insertInto('users')
      .values({
        id: other,
        login: 'other',
        email: 'other@example.com',
        first_name: 'O',
        last_name: 'U',
        password_hash: 'x'.repeat(64),
        password_salt: 'y'.repeat(32),
      })
      .execute()
    await t.db.insertInto('chat_members').values({ chat_id: c2, user_id: other }).execute()
    const outcomes = await sendMessageRows(t.db, [row(511, c2), row(512, c1), row(513, c2)])
    expect(
      outcomes.map((o) => (o.status === 'sent' ? [...o.members.ids].sort() : o.status)),
    ).toEqual([[user, other].sort(), [user], [user, other].sort()])
  })

  it('takes the caller’s member list while its version is current, and reads it when not', async () => {
    const chat = chats[230]!
    const versionOf = async () =>
      (
        await t.db
          .selectFrom('chat_member_versions')
          .select('version')
          .where('chat_id', '=', chat)
          .executeTakeFirstOrThrow()
      ).version
    const version = await versionOf()
    // A list the database does not hold, at the current version: taken as it is, unread.
    const trusted = { version, ids: [user, 'someone-the-caller-knows'] }
    const [sent] = await sendMessageRows(t.db, [{ ...row(531, chat), knownMembers: trusted }])
    expect(sent).toMatchObject({ status: 'sent', members: trusted })
    // The same version without the sender: refused as a non-member, by the caller's list.
    const [refused] = await sendMessageRows(t.db, [
      { ...row(532, chat), knownMembers: { version, ids: ['someone-else'] } },
    ])
    expect(refused).toEqual({ status: 'not_member' })
    // A list of another version: the members are read, with the version they are at.
    const [reread] = await sendMessageRows(t.db, [
      { ...row(533, chat), knownMembers: { version: version - 1, ids: ['stale'] } },
    ])
    expect(reread).toMatchObject({ status: 'sent', members: { version, ids: [user] } })
    expect(await versionOf()).toBe(version)
  })

  it('stores a lone surrogate as U+FFFD, as a parameter did, without failing the batch', async () => {
    const chat = chats[240]!
    const outcomes = await sendMessageRows(t.db, [
      { ...row(541, chat), text: 'half \ud83d an emoji' },
      row(542, chat),
    ])
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent'])
    const stored = await t.db
      .selectFrom('messages')
      .select('text')
      .where('id', '=', messageId(541))
      .executeTakeFirstOrThrow()
    expect(stored.text).toBe('half \ufffd an emoji')
  })

  it('refuses more than MAX_SEND_BATCH rows, and sends nothing for none', async () => {
    expect(await sendMessageRows(t.db, [])).toEqual([])
    await expect(
      sendMessageRows(
        t.db,
        Array.from({ length: 65 }, (_, i) => row(600 + i, chats[220]!)),
      ),
    ).rejects.toThrow(/at most 64/)
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
