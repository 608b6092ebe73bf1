import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from './client'
import { migrateToLatest } from './migrate'
import { createTestDbAt, type TestDb } from './testing'

let t: TestDb
let db: Db
beforeAll(async () => {
  t = await createTestDbAt('2026_12_02_190000_append_events_guard')
  db = t.db
})
afterAll(() => t.drop())

const uid = (n: number) => `0190f0c3-0000-7000-8000-${String(n).padStart(12, '0')}`

describe('migrations 2026_12_02_191000 and 192000 on existing data', () => {
  it('closes personal chats with accounts deleted before, and counts every chat’s members once', async () => {
    await db
      .insertInto('users')
      .values(
        [1, 2, 3].map((n) => ({
          id: uid(n),
          login: `u${n}`,
          email: `u${n}@example.com`,
          first_name: 'U',
          last_name: String(n),
          password_hash: 'x',
          password_salt: 'y',
          deleted_at: n === 3 ? new Date() : null,
        })),
      )
      .execute()
    const chat = async (n: number, direct: boolean, members: number[]) => {
      await db
        .insertInto('chats')
        .values({
          id: uid(100 + n),
          is_direct: direct ? 1 : 0,
          title: direct ? null : 'Team',
          owner_id: direct ? null : uid(1),
          direct_key: direct ? members.map(uid).sort().join(':') : null,
          member_count: members.length,
        })
        .execute()
      await db
        .insertInto('chat_members')
        .values(members.map((m) => ({ chat_id: uid(100 + n), user_id: uid(m) })))
        .execute()
    }
    await chat(1, true, [1, 3]) // with the deleted account
    await chat(2, true, [1, 2])
    await chat(3, false, [1, 2, 3]) // a group is never closed
    await migrateToLatest(db)

    const rows = await db.selectFrom('chats').select(['id', 'closed_at']).orderBy('id').execute()
    expect(rows.map((r) => [r.id, r.closed_at !== null])).toEqual([
      [uid(101), true],
      [uid(102), false],
      [uid(103), false],
    ])
    const versions = await db
      .selectFrom('chat_member_versions')
      .select(['chat_id', 'version'])
      .orderBy('chat_id')
      .execute()
    expect(versions.map((v) => [v.chat_id, v.version])).toEqual([
      [uid(101), 1],
      [uid(102), 1],
      [uid(103), 1],
    ])
  })
})
