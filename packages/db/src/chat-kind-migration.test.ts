import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from './client'
import { migrateToLatest } from './migrate'
import { createTestDbAt, type TestDb } from './testing'

let t: TestDb
let db: Db
beforeAll(async () => {
  t = await createTestDbAt('2026_11_24_170000_create_send_message_procedure')
  db = t.db
})
afterAll(() => t.drop())

const uid = (n: number) => `0190f0c2-0000-7000-8000-${String(n).padStart(12, '0')}`
const key = (a: number, b: number) => `${uid(a)}:${uid(b)}`

describe('migration 2026_12_02_031847_store_chat_kind', () => {
  it('keeps groups as groups at any size, and gives a left personal chat its leaver back, hidden', async () => {
    await db
      .insertInto('users')
      .values(
        [1, 2, 3, 4, 5].map((n) => ({
          id: uid(n),
          login: `u${n}`,
          email: `u${n}@example.com`,
          first_name: 'U',
          last_name: String(n),
          password_hash: 'x',
          password_salt: 'y',
        })),
      )
      .execute()
    const chat = (
      n: number,
      c: { title: string | null; owner: number | null; key: string | null; members: number[] },
    ) =>
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('chats')
          .values({
            id: uid(100 + n),
            title: c.title,
            owner_id: c.owner === null ? null : uid(c.owner),
            direct_key: c.key,
            member_count: c.members.length,
            last_message_id: uid(900 + n),
          })
          .execute()
        await trx
          .insertInto('chat_members')
          .values(c.members.map((m) => ({ chat_id: uid(100 + n), user_id: uid(m) })))
          .execute()
      })
    // A group of three that lost a member: two left, so the old code called it personal.
    await chat(1, { title: 'Team', owner: 1, key: null, members: [1, 2] })
    // A personal chat as createDirect made it.
    await chat(2, { title: null, owner: null, key: key(1, 3), members: [1, 3] })
    // A personal chat user 4 left: the old code dropped the row and the key.
    await chat(3, { title: null, owner: null, key: null, members: [1] })
    await db
      .insertInto('chat_events')
      .values({ id: 1, chat_id: uid(103), user_id: uid(4), type: 'chat.removed' })
      .execute()
    // User 5 left a personal chat with 2, and the pair then made a new one.
    await chat(4, { title: null, owner: null, key: null, members: [2] })
    await db
      .insertInto('chat_events')
      .values({ id: 2, chat_id: uid(104), user_id: uid(5), type: 'chat.removed' })
      .execute()
    await chat(5, { title: null, owner: null, key: key(2, 5), members: [2, 5] })

    await migrateToLatest(db)

    const chats = await db
      .selectFrom('chats')
      .select(['id', 'is_direct', 'direct_key', 'member_count'])
      .orderBy('id')
      .execute()
    expect(chats).toEqual([
      { id: uid(101), is_direct: 0, direct_key: null, member_count: 2 },
      { id: uid(102), is_direct: 1, direct_key: key(1, 3), member_count: 2 },
      { id: uid(103), is_direct: 1, direct_key: key(1, 4), member_count: 2 },
      { id: uid(104), is_direct: 1, direct_key: null, member_count: 2 },
      { id: uid(105), is_direct: 1, direct_key: key(2, 5), member_count: 2 },
    ])
    const back = await db
      .selectFrom('chat_members')
      .select(['chat_id', 'user_id', 'hidden', 'hidden_last_message_id', 'last_read_message_id'])
      .where('hidden', '=', 1)
      .orderBy('chat_id')
      .execute()
    expect(back).toEqual([
      {
        chat_id: uid(103),
        user_id: uid(4),
        hidden: 1,
        hidden_last_message_id: uid(903),
        last_read_message_id: uid(903),
      },
      {
        chat_id: uid(104),
        user_id: uid(5),
        hidden: 1,
        hidden_last_message_id: uid(904),
        last_read_message_id: uid(904),
      },
    ])
    // The commit-ordered event counter (2026_12_02_043000) goes on after the log's last id.
    expect(await db.selectFrom('event_seq').select('n').executeTakeFirst()).toEqual({ n: 2 })
    // A group can never hold a pair's key again.
    await expect(
      sql`UPDATE chats SET direct_key = 'x' WHERE id = ${uid(101)}`.execute(db),
    ).rejects.toThrow(/chats_group_has_no_direct_key/)
  })
})
