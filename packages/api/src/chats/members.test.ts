import { randomUUID } from 'node:crypto'
import { addMembers, insertChat, removeMember } from '@messenger/db'
import { createTestDb, insertTestUsers, type TestDb } from '@messenger/db/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemberCache } from './members'

/** The member cache against real MariaDB: two caches stand for two instances on one database. */
describe('member cache', () => {
  let t: TestDb
  const users = Array.from({ length: 4 }, () => randomUUID())
  const [ann, bob, carl, dora] = users as [string, string, string, string]

  beforeAll(async () => {
    t = await createTestDb()
    await insertTestUsers(t.db, users, 'member')
  })
  afterAll(async () => {
    await t.drop()
  })

  const newGroup = async (members: string[]) => {
    const id = randomUUID()
    await insertChat(t.db, { id, group: { title: 'g', ownerId: members[0]! } }, members, new Date())
    return id
  }

  it('keeps a list while its version holds, and reads it again after any change, on every instance', async () => {
    const here = createMemberCache(1000)
    const there = createMemberCache(1000)
    const chatId = await newGroup([ann, bob])
    const first = await here.read(t.db, chatId)
    expect([...first!.ids].sort()).toEqual([ann, bob].sort())
    // Unchanged: the very same list, from one row.
    expect(await here.read(t.db, chatId)).toBe(first)
    // A read mark or a mute changes a member row but not who is a member.
    await t.db
      .updateTable('chat_members')
      .set({ muted: 1 })
      .where('chat_id', '=', chatId)
      .where('user_id', '=', bob)
      .execute()
    expect(await here.read(t.db, chatId)).toBe(first)

    // Added through "another instance": this one sees it on its next read.
    await t.db.transaction().execute((trx) => addMembers(trx, chatId, [carl], new Date()))
    expect(await there.read(t.db, chatId)).not.toBeNull()
    const second = await here.read(t.db, chatId)
    expect(second!.version).toBeGreaterThan(first!.version)
    expect([...second!.ids].sort()).toEqual([ann, bob, carl].sort())

    await t.db.transaction().execute((trx) => removeMember(trx, chatId, bob, new Date()))
    expect([...(await here.read(t.db, chatId))!.ids].sort()).toEqual([ann, carl].sort())
    // A raw statement outside the app's code moves it too (the triggers, not the callers).
    await sql`INSERT INTO chat_members (chat_id, user_id) VALUES (${chatId}, ${dora})`.execute(t.db)
    expect([...(await there.read(t.db, chatId))!.ids].sort()).toEqual([ann, carl, dora].sort())
    await sql`DELETE FROM chat_members WHERE chat_id = ${chatId}`.execute(t.db)
    expect((await here.read(t.db, chatId))!.ids).toEqual([])
    expect(await here.read(t.db, randomUUID())).toBeNull()
  })

  it('holds membership still while a transaction that read it with a lock is open', async () => {
    const cache = createMemberCache(1000)
    const chatId = await newGroup([ann, bob])
    await cache.read(t.db, chatId)
    let added = false
    let adding: Promise<unknown> = Promise.resolve()
    await t.db.transaction().execute(async (trx) => {
      // Kept already: the locked read takes the version row alone.
      expect((await cache.read(trx, chatId, true))!.ids).toHaveLength(2)
      adding = t.db
        .transaction()
        .execute((other) => addMembers(other, chatId, [carl], new Date()))
        .then(() => (added = true))
      await new Promise((r) => setTimeout(r, 300))
      expect(added).toBe(false)
    })
    await adding
    expect(added).toBe(true)
    expect((await cache.read(t.db, chatId))!.ids).toContain(carl)
  })

  it('drops the least recently used lists past its bound', async () => {
    const cache = createMemberCache(3)
    const a = await newGroup([ann, bob])
    const b = await newGroup([carl, dora])
    const first = await cache.read(t.db, a)
    await cache.read(t.db, b)
    // Two ids and one for the entry: only one list fits, so a's was dropped and is read anew.
    const again = await cache.read(t.db, a)
    expect(again).not.toBe(first)
    expect(again).toEqual(first)
  })
})
