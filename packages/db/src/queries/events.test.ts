import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, type TestDb } from '../testing'
import { appendEvents, lastEventId } from './events'

describe('appendEvents', () => {
  let t: TestDb
  beforeAll(async () => {
    t = await createTestDb()
  })
  afterAll(async () => {
    await t.drop()
  })

  const countEvents = async () =>
    Number(
      (await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM chat_events`.execute(t.db))
        .rows[0]!.n,
    )

  it('logs the events with the next ids and commits what the transaction did before them', async () => {
    const chatId = randomUUID()
    const messageId = randomUUID()
    const userId = randomUUID()
    const before = await lastEventId(t.db)
    const ids = await t.db.transaction().execute(async (trx) => {
      await sql`INSERT INTO event_seq (id, n) VALUES (2, 7)`.execute(trx)
      const ids = await appendEvents(trx, [
        { chatId, type: 'message.created', messageId },
        { chatId, type: 'chat.read', messageId, userId },
        { chatId, type: 'message.reaction', detail: '{"emoji":"👍"}' },
      ])
      // Committed already: another connection sees them while this transaction's callback runs.
      expect(await lastEventId(t.db)).toBe(before + 3)
      return ids
    })
    expect(ids).toEqual([before + 1, before + 2, before + 3].map(String))
    const rows = await t.db
      .selectFrom('chat_events')
      .select(['id', 'chat_id', 'type', 'message_id', 'user_id', 'detail'])
      .where('id', 'in', ids.map(Number))
      .orderBy('id')
      .execute()
    expect(
      rows.map((r) => [String(r.id), r.chat_id, r.type, r.message_id, r.user_id, r.detail]),
    ).toEqual([
      [ids[0], chatId, 'message.created', messageId, null, null],
      [ids[1], chatId, 'chat.read', messageId, userId, null],
      [ids[2], chatId, 'message.reaction', null, null, '{"emoji":"👍"}'],
    ])
    const other = await sql<{ n: number }>`SELECT n FROM event_seq WHERE id = 2`.execute(t.db)
    expect(other.rows).toEqual([{ n: 7 }])
  })

  it('rolls the whole transaction back when an event cannot be stored, and gives its ids back', async () => {
    const before = await lastEventId(t.db)
    const events = await countEvents()
    await expect(
      t.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO event_seq (id, n) VALUES (3, 1)`.execute(trx)
        await appendEvents(trx, [
          { chatId: randomUUID(), type: 'chat.updated' },
          // Longer than the type column: the insert fails after the counter moved.
          { chatId: randomUUID(), type: 'x'.repeat(40) as 'chat.updated' },
        ])
      }),
    ).rejects.toThrow()
    expect(await lastEventId(t.db)).toBe(before)
    expect(await countEvents()).toBe(events)
    const other = await sql`SELECT n FROM event_seq WHERE id = 3`.execute(t.db)
    expect(other.rows).toEqual([])
  })

  it('refuses to log without the counter row, naming it, and rolls the transaction back', async () => {
    const before = await lastEventId(t.db)
    const events = await countEvents()
    await expect(
      t.db.transaction().execute(async (trx) => {
        await sql`DELETE FROM event_seq WHERE id = 1`.execute(trx)
        // A connection whose LAST_INSERT_ID() is set, as a pooled one would be.
        await sql`SELECT LAST_INSERT_ID(${before})`.execute(trx)
        await appendEvents(trx, [{ chatId: randomUUID(), type: 'chat.updated' }])
      }),
    ).rejects.toThrow(/event_seq has no row 1/)
    expect(await lastEventId(t.db)).toBe(before)
    expect(await countEvents()).toBe(events)
  })

  it('refuses an empty list of events', async () => {
    await expect(sql`CALL append_events('[]')`.execute(t.db)).rejects.toThrow(
      /JSON array of events/,
    )
    await expect(sql`CALL append_events('{}')`.execute(t.db)).rejects.toThrow(
      /JSON array of events/,
    )
  })
})
