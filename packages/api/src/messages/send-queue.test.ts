import { randomUUID } from 'node:crypto'
import { addMembers, insertChat, removeMember, type Db } from '@messenger/db'
import { createTestDb, insertTestUsers, type TestDb } from '@messenger/db/testing'
import { sql, type KyselyPlugin, type RootOperationNode } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '../ids'
import { createMemberCache } from '../chats/members'
import { createSendQueue } from './send-queue'

/** The send queue against real MariaDB: batches form under load, and stay out of each other's way. */
describe('send queue', () => {
  let t: TestDb
  let db: Db
  let calls = 0
  const users = Array.from({ length: 3 }, () => randomUUID())
  const [ann, bob, carl] = users as [string, string, string]
  const chats: string[] = []

  /** Counts `CALL send_messages` statements. */
  const countCalls: KyselyPlugin = {
    transformQuery: ({ node }) => {
      const raw = node as RootOperationNode & { sqlFragments?: readonly string[] }
      if (raw.sqlFragments?.[0]?.includes('CALL send_messages')) calls++
      return node
    },
    transformResult: ({ result }) => Promise.resolve(result),
  }

  beforeAll(async () => {
    t = await createTestDb()
    db = t.db.withPlugin(countCalls)
    await insertTestUsers(t.db, users, 'sender')
    for (let i = 0; i < 3; i++) {
      const id = randomUUID()
      await insertChat(
        t.db,
        { id, group: { title: `g${i}`, ownerId: ann } },
        [ann, bob],
        new Date(),
      )
      chats.push(id)
    }
  })
  afterAll(async () => {
    await t.drop()
  })

  const row = (chatId: string, senderId = ann, text = 'hello') => {
    const id = newId()
    return {
      id,
      chat_id: chatId,
      sender_id: senderId,
      client_id: id,
      text,
      image_ids: null,
      created_at: new Date(),
      edited_at: null,
      deleted: 0 as const,
    }
  }

  /** Which of these rows are stored, sorted. */
  const storedIds = async (rows: readonly { id: string }[]) =>
    (
      await t.db
        .selectFrom('messages')
        .select('id')
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute()
    )
      .map((m) => m.id)
      .sort()

  it('stores sends that arrive together in a few calls, each with its own outcome', async () => {
    const queue = createSendQueue(db)
    calls = 0
    const rows = Array.from({ length: 30 }, (_, i) =>
      row(chats[i % 3]!, i === 7 ? carl : ann, `message ${i}`),
    )
    const outcomes = await Promise.all(rows.map((r) => queue.send(r)))
    expect(outcomes.map((o) => o.status)).toEqual(
      rows.map((_, i) => (i === 7 ? 'not_member' : 'sent')),
    )
    // The first goes alone at once; the rest waited for it and go together.
    expect(calls).toBeGreaterThanOrEqual(2)
    expect(calls).toBeLessThanOrEqual(3)
    expect(await storedIds(rows)).toEqual(
      rows
        .filter((_, i) => i !== 7)
        .map((r) => r.id)
        .sort(),
    )
  })

  it('takes the kept member list while it is current, and follows every membership change', async () => {
    const members = createMemberCache(1000)
    const queue = createSendQueue(db, members)
    const id = randomUUID()
    await insertChat(t.db, { id, group: { title: 'kept', ownerId: ann } }, [ann, bob], new Date())
    const audience = async (senderId = ann) => {
      const o = await queue.send(row(id, senderId))
      return o.status === 'sent' ? [...o.members.ids].sort() : o.status
    }
    expect(await audience()).toEqual([ann, bob].sort())
    const kept = members.peek(id)
    expect(kept?.ids).toEqual(expect.arrayContaining([ann, bob]))
    // Current: the same list object serves the next send.
    const again = await queue.send(row(id))
    expect(again.status === 'sent' && again.members).toBe(kept)
    expect(await audience(carl)).toBe('not_member')
    await t.db.transaction().execute((trx) => addMembers(trx, id, [carl], new Date()))
    expect(await audience(carl)).toEqual([ann, bob, carl].sort())
    expect(members.peek(id)!.version).toBeGreaterThan(kept!.version)
    await t.db.transaction().execute((trx) => removeMember(trx, id, bob, new Date()))
    expect(await audience()).toEqual([ann, carl].sort())
    expect(await audience(bob)).toBe('not_member')
  })

  it('fails only the message the database refuses, not the batch it came in', async () => {
    // A refusal the API's validation would never let through, made by the database itself.
    await sql`CREATE TRIGGER refuse_poison BEFORE INSERT ON messages FOR EACH ROW
      IF NEW.text = 'poison' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'poison refused';
      END IF`.execute(t.db)
    try {
      const queue = createSendQueue(db)
      const first = queue.send(row(chats[0]!))
      const rows = [row(chats[0]!), row(chats[1]!, ann, 'poison'), row(chats[2]!)]
      const settled = await Promise.allSettled(rows.map((r) => queue.send(r)))
      expect((await first).status).toBe('sent')
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
      expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/poison refused/)
      expect(await storedIds(rows)).toEqual([rows[0]!.id, rows[2]!.id].sort())
    } finally {
      await sql`DROP TRIGGER refuse_poison`.execute(t.db)
    }
  })

  it('starts another call beside one held by a locked chat, so other chats’ sends go on', async () => {
    const queue = createSendQueue(db)
    const [held, free] = [chats[0]!, chats[1]!]
    let release!: () => void
    const released = new Promise<void>((r) => (release = r))
    let locked!: () => void
    const isLocked = new Promise<void>((r) => (locked = r))
    // A long transaction holding the chat's row, as deleting a large chat does.
    const holder = t.db.transaction().execute(async (trx) => {
      await trx.selectFrom('chats').select('id').where('id', '=', held).forUpdate().execute()
      locked()
      await released
    })
    await isLocked
    let heldDone = false
    const heldSend = queue.send(row(held)).then((o) => {
      heldDone = true
      return o
    })
    const started = Date.now()
    const freeSend = await queue.send(row(free))
    expect(freeSend.status).toBe('sent')
    expect(heldDone).toBe(false)
    // Waited about STALL_MS (100 ms) for its turn, not for the lock.
    expect(Date.now() - started).toBeLessThan(2000)
    release()
    await holder
    expect((await heldSend).status).toBe('sent')
  })
})
