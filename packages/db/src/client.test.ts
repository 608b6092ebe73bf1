import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, preferPrepared, type Db } from './client'
import { insertChat } from './queries/chats'
import { createTestDb, type TestDb } from './testing'

describe('preferPrepared', () => {
  it('prepares fixed-shape statements with a few values', () => {
    expect(preferPrepared('select * from `sessions` where `id` = ?', ['s'])).toBe(true)
    expect(preferPrepared('CALL send_message(?, ?)', ['a', 'b'])).toBe(true)
  })
  it('leaves as queries statements without values, with IN lists and bulk writes', () => {
    expect(preferPrepared('begin', [])).toBe(false)
    expect(preferPrepared('select 1', undefined)).toBe(false)
    expect(preferPrepared('select * from `users` where `id` in (?, ?)', ['a', 'b'])).toBe(false)
    expect(preferPrepared('SELECT 1 FROM t WHERE id IN (?)', ['a'])).toBe(false)
    expect(
      preferPrepared(
        'insert into t values (?)',
        Array.from({ length: 101 }, () => 1),
      ),
    ).toBe(false)
  })
})

describe('a database handle', () => {
  let t: TestDb
  /** One connection, so its session counters see every statement. */
  let one: Db
  beforeAll(async () => {
    t = await createTestDb()
    one = createDb(t.url, { connectionLimit: 1 })
  })
  afterAll(async () => {
    await one.destroy()
    await t.drop()
  })

  const counters = async () => {
    const r = await sql<{
      Variable_name: string
      Value: string
    }>`SHOW SESSION STATUS LIKE 'Com_stmt_%'`.execute(one)
    const get = (name: string) => Number(r.rows.find((x) => x.Variable_name === name)?.Value)
    return { prepare: get('Com_stmt_prepare'), execute: get('Com_stmt_execute') }
  }

  it('prepares a statement once per connection and executes it from then on', async () => {
    const before = await counters()
    for (const id of [randomUUID(), randomUUID(), randomUUID()]) {
      await one.selectFrom('sessions').select('id').where('id', '=', id).execute()
    }
    // An IN list stays a query.
    await one.selectFrom('users').select('id').where('id', 'in', ['a', 'b']).execute()
    const after = await counters()
    expect(after.prepare - before.prepare).toBe(1)
    expect(after.execute - before.execute).toBe(3)
  })

  it('reads the same values through a prepared statement as through a query', async () => {
    const [a, b] = [randomUUID(), randomUUID()]
    await one
      .insertInto('users')
      .values(
        [a, b].map((id, i) => ({
          id,
          login: `p${i}${id.slice(0, 8)}`,
          email: `p${i}${id.slice(0, 8)}@example.com`,
          first_name: 'Ёж',
          last_name: 'Ü',
          password_hash: 'x',
          password_salt: 'y',
        })),
      )
      .execute()
    const chat = randomUUID()
    await insertChat(one, { id: chat, direct: { pair: [a, b] } }, [a, b], new Date())
    const id = randomUUID()
    await one
      .insertInto('messages')
      .values({
        id,
        chat_id: chat,
        sender_id: a,
        client_id: randomUUID(),
        text: 'привет 👋',
        created_at: new Date('2026-01-02T03:04:05.678Z'),
      })
      .execute()
    const prepared = await one.selectFrom('messages').selectAll().where('id', '=', id).execute()
    const queried = await one.selectFrom('messages').selectAll().where('id', 'in', [id]).execute()
    expect(prepared).toEqual(queried)
    expect(prepared[0]?.created_at).toEqual(new Date('2026-01-02T03:04:05.678Z'))
    expect(prepared[0]?.text).toBe('привет 👋')
    const members = await one
      .selectFrom('chat_members')
      .selectAll()
      .where('chat_id', '=', chat)
      .orderBy('user_id')
      .execute()
    const membersQueried = await one
      .selectFrom('chat_members')
      .selectAll()
      .where('chat_id', 'in', [chat])
      .orderBy('user_id')
      .execute()
    expect(members).toEqual(membersQueried)
  })
})
