import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAdmission, Overloaded } from './admission'
import { bearer, createTestApp, post, type TestApp } from './testing'

describe('createAdmission', () => {
  it('runs `concurrency` at once, queues `queueLimit` in order, refuses the rest at once', async () => {
    const a = createAdmission({ concurrency: 2, queueLimit: 2, maxWaitMs: 60_000 })
    const r1 = await a.enter()
    const r2 = await a.enter()
    const order: number[] = []
    const w3 = a.enter().then((r) => (order.push(3), r))
    const w4 = a.enter().then((r) => (order.push(4), r))
    await expect(a.enter()).rejects.toEqual(new Overloaded('queue full'))
    expect([a.running, a.queued]).toEqual([2, 2])
    r1()
    r1() // a second release of the same slot changes nothing
    const r3 = await w3
    expect([a.running, a.queued]).toEqual([2, 1])
    r2()
    ;(await w4)()
    r3()
    expect(order).toEqual([3, 4])
    expect([a.running, a.queued]).toEqual([0, 0])
  })

  it('refuses a request that waited longer than maxWaitMs, and frees its place', async () => {
    const a = createAdmission({ concurrency: 1, queueLimit: 1, maxWaitMs: 50 })
    const r1 = await a.enter()
    await expect(a.enter()).rejects.toEqual(new Overloaded('waited too long'))
    expect(a.queued).toBe(0)
    const w = a.enter()
    r1()
    ;(await w)()
    expect(a.running).toBe(0)
  })
})

describe('load shedding over HTTP', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({
      REQUEST_CONCURRENCY: '3',
      REQUEST_QUEUE_LIMIT: '4',
      REQUEST_QUEUE_TIMEOUT_MS: '200',
    })
  })
  afterAll(() => t.close())

  it('past capacity answers 503 with Retry-After before doing anything; retries with the same clientId store each message once', async () => {
    const ann = await t.signUp()
    const bob = await t.signUp()
    const chat = await ann.caller.chats.createDirect({ userId: bob.user.id })
    const send = (clientId: string) =>
      post(
        t.app,
        'messages.send',
        { chatId: chat.id, clientId, text: `message ${clientId}` },
        bearer(ann.accessToken),
      )
    const count = async () => {
      const { rows } = await sql<{
        n: number | string
      }>`SELECT COUNT(*) AS n FROM messages WHERE chat_id = ${chat.id}`.execute(t.db)
      return Number(rows[0]!.n)
    }

    // Slow requests for real: a transaction holds the chat's row, so every send waits on it.
    let unlock: () => void = () => undefined
    let locked: () => void = () => undefined
    const held = new Promise<void>((r) => (locked = r))
    const holder = t.db.transaction().execute(async (trx) => {
      await sql`SELECT id FROM chats WHERE id = ${chat.id} FOR UPDATE`.execute(trx)
      locked()
      await new Promise<void>((r) => (unlock = r))
    })
    await held

    const ids = Array.from({ length: 20 }, () => randomUUID())
    const answers = new Map<string, Awaited<ReturnType<typeof send>>>()
    const calls = ids.map((id) => send(id).then((r) => void answers.set(id, r)))
    // Every refusal arrives while the admitted sends are still blocked: none waited for them.
    await expect
      .poll(() => [...answers.values()].filter((r) => r.status === 503).length, { timeout: 5000 })
      .toBe(17)
    expect(answers.size).toBe(17)
    unlock()
    await holder
    await Promise.all(calls)

    const statuses = ids.map((id) => answers.get(id)!.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(3)
    expect(statuses.filter((s) => s === 503)).toHaveLength(17)
    const refused = ids.filter((id) => answers.get(id)!.status === 503)
    const one = answers.get(refused[0]!)!
    expect(one.headers.get('retry-after')).toBe('1')
    expect(one.body.error?.data.code).toBe('SERVICE_UNAVAILABLE')
    expect(one.body.error?.message).toMatch(/busy/)
    // Nothing half-written: exactly the admitted sends are stored.
    expect(await count()).toBe(3)

    // The client retries the refused ones with the same clientId, then everything once more.
    for (const id of refused) expect((await send(id)).status).toBe(200)
    for (const id of ids) expect((await send(id)).status).toBe(200)
    expect(await count()).toBe(20)
  })
})
