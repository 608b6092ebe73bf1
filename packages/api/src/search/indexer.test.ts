/**
 * The indexer against real MariaDB with the MySQL index: cursor, batching, two instances, a crash
 * mid-batch, a failing backend with backoff, and a transaction that commits late. Each test uses its
 * own cursor name, so it replays the shared event log from the start on its own.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { createDb, lastEventId, readIndexCursor, type Db } from '@messenger/db'
import { takeEventIds } from '@messenger/db/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../app'
import { createLogger } from '../logger'
import { createTestApp, type TestApp } from '../testing'
import { createIndexer, type Indexer, type IndexerOptions } from './indexer'
import { createMysqlIndex } from './mysql-index'
import type { IndexOp, SearchIndex } from './search-index'

let t: TestApp
let ann: Awaited<ReturnType<TestApp['signUp']>>
let chatId: string
const pools: Db[] = []
const indexers: Indexer[] = []
const log = createLogger('silent')

beforeAll(async () => {
  t = await createTestApp()
  // The app's own indexer would race the ones under test for the shared postings.
  await t.deps.indexer.stop()
  ann = await t.signUp()
  chatId = (await ann.caller.chats.createGroup({ title: 'Index', memberIds: [] })).id
})
afterEach(async () => {
  // Each test's indexers stop with it, so none races the next test's.
  for (const i of indexers.splice(0)) await i.stop()
})
afterAll(async () => {
  for (const p of pools) await p.destroy()
  await t.close()
})

const send = (text: string) => ann.caller.messages.send({ chatId, clientId: randomUUID(), text })

/** The MySQL index under its own cursor, telling `seen` which event versions each batch applied. */
const recorded = (
  cursorName: string,
  hooks: { before?: (ops: readonly IndexOp[]) => Promise<void>; seen?: number[] } = {},
  db: Db = t.db,
): SearchIndex => {
  const inner = createMysqlIndex(db)
  return {
    ...inner,
    cursorName,
    async apply(ops, trx) {
      await hooks.before?.(ops)
      await inner.apply(ops, trx)
      for (const op of ops) if (op.type !== 'deleteChat') hooks.seen?.push(op.version)
    },
  }
}

/** An indexer on a pool of its own, as another server instance would have. */
const instance = (index: SearchIndex, options: Partial<IndexerOptions> = {}, db?: Db) => {
  const pool = db ?? createDb(t.config.databaseUrl)
  if (!db) pools.push(pool)
  const indexer = createIndexer(pool, index, log, { pollMs: 30, ...options })
  indexers.push(indexer)
  return indexer
}

const caughtUp = (cursorName: string) =>
  expect
    .poll(async () => (await readIndexCursor(t.db, cursorName)) === (await lastEventId(t.db)), {
      timeout: 10_000,
      interval: 20,
    })
    .toBe(true)

/** Events of messages people sent: system messages ("created the group") are never indexed. */
const messageEventIds = async () =>
  (
    await t.db
      .selectFrom('chat_events')
      .innerJoin('messages', 'messages.id', 'chat_events.message_id')
      .select('chat_events.id')
      .where('chat_events.type', '=', 'message.created')
      .where('messages.system_event', 'is', null)
      .orderBy('chat_events.id')
      .execute()
  ).map((r) => r.id)

const searchIds = async (query: string) =>
  (await t.deps.search.search({ userId: ann.user.id, query, limit: 50 })).map((h) => h.messageId)

describe('search indexer', () => {
  it('with two instances, applies every event once and lets one claim a batch at a time', async () => {
    const sent = await Promise.all(Array.from({ length: 30 }, (_, i) => send(`kestrel ${i}`)))
    const seen: number[] = []
    const slow = { before: () => new Promise<void>((r) => setTimeout(r, 30)), seen }
    const a = instance(recorded('two', slow), { batchSize: 7 })
    const b = instance(recorded('two', slow), { batchSize: 7 })
    await sql`INSERT INTO search_index_cursors (name) VALUES ('two')`.execute(t.db)
    // Claimed together: one applies while the other finds the cursor locked and skips.
    const first = await Promise.all([a.runOnce(), b.runOnce()])
    expect(first.sort()).toEqual(['busy', 'more'])
    a.start()
    b.start()
    await caughtUp('two')
    expect(seen.sort((x, y) => x - y)).toEqual(await messageEventIds())
    expect(await searchIds('kestrel')).toHaveLength(sent.length)
  })

  it('resumes after an instance dies mid-batch, losing nothing', async () => {
    const sent = await Promise.all(Array.from({ length: 12 }, (_, i) => send(`heron ${i}`)))
    let stall: (() => void) | null = null
    const stalled = new Promise<void>((r) => (stall = r))
    let holding: () => void = () => undefined
    const dying = instance(
      recorded('crash', {
        // The first batch writes its postings, then hangs until its connection is killed.
        before: () =>
          new Promise<void>((release) => {
            holding = release
            stall!()
          }),
      }),
      { batchSize: 5 },
    )
    dying.start()
    await stalled
    const [victim] = (
      await sql<{ id: number }>`SELECT p.ID AS id FROM information_schema.INNODB_TRX x
        JOIN information_schema.PROCESSLIST p ON p.ID = x.trx_mysql_thread_id
        WHERE p.DB = DATABASE()`.execute(t.db)
    ).rows
    expect(victim).toBeDefined()
    await sql.raw(`KILL ${victim!.id}`).execute(t.db)
    holding()
    await dying.stop()
    expect(await readIndexCursor(t.db, 'crash')).toBe(0)

    const seen: number[] = []
    const restarted = instance(recorded('crash', { seen }), { batchSize: 5 })
    restarted.start()
    await caughtUp('crash')
    expect(seen.sort((x, y) => x - y)).toEqual(await messageEventIds())
    expect(await searchIds('heron')).toHaveLength(sent.length)
  })

  it('loses nothing when an instance is killed mid-load and another takes over', async () => {
    await sql`INSERT INTO search_index_cursors (name) VALUES ('killed')`.execute(t.db)
    // The doomed instance has one connection, so killing it is killing the instance's work.
    const doomedPool = createDb(t.config.databaseUrl, { connectionLimit: 1 })
    pools.push(doomedPool)
    const conn = (await sql<{ id: number }>`SELECT CONNECTION_ID() AS id`.execute(doomedPool))
      .rows[0]!.id
    let batches = 0
    let inBatch: () => void = () => undefined
    let holding: () => void = () => undefined
    const reached = new Promise<void>((r) => (inBatch = r))
    const doomed = instance(
      recorded(
        'killed',
        {
          // Its third batch hangs (postings not yet written) until its connection is killed.
          before: () =>
            ++batches === 3
              ? new Promise<void>((release) => {
                  holding = release
                  inBatch()
                })
              : Promise.resolve(),
        },
        doomedPool,
      ),
      { batchSize: 4, pollMs: 10 },
      doomedPool,
    )
    doomed.start()
    // The load: waves of concurrent sends before, during and after the kill.
    const sent: string[] = []
    const load = (async () => {
      for (let wave = 0; wave < 8; wave++) {
        const ids = await Promise.all(
          Array.from({ length: 5 }, (_, i) => send(`plover ${wave} ${i}`).then((m) => m.id)),
        )
        sent.push(...ids)
      }
    })()
    await reached
    await sql.raw(`KILL ${conn}`).execute(t.db)
    holding()
    await doomed.stop()

    const seen: number[] = []
    const successor = instance(recorded('killed', { seen }), { batchSize: 4, pollMs: 10 })
    successor.start()
    await load
    await caughtUp('killed')
    // Every message event was applied by the successor or committed by the doomed instance
    // before the kill; the search finds each message exactly once.
    const found = await searchIds('plover')
    expect(found.length).toBe(sent.length)
    expect(new Set(found)).toEqual(new Set(sent))
    const ids = await messageEventIds()
    const cursorAtKill = Math.min(...seen)
    expect([...new Set(seen)].sort((x, y) => x - y)).toEqual(ids.filter((id) => id >= cursorAtKill))
  })

  it('retries a failing backend with growing delays and drains the backlog when it is back', async () => {
    let down = true
    const attempts: number[] = []
    const failing = recorded('outage', {
      before: () => {
        attempts.push(performance.now())
        return down ? Promise.reject(new Error('backend down')) : Promise.resolve()
      },
    })
    const indexer = instance(failing, { retryMinMs: 20, retryMaxMs: 1000 }, t.db)
    indexer.start()
    const sent = await Promise.all(Array.from({ length: 5 }, (_, i) => send(`osprey ${i}`)))
    await expect.poll(() => attempts.length, { timeout: 10_000, interval: 20 }).toBeGreaterThan(5)
    const gaps = attempts.slice(1).map((at, i) => at - attempts[i]!)
    // Jitter keeps each delay within half of its doubling: the fourth is longer than the first.
    expect(gaps[3]!).toBeGreaterThan(gaps[0]!)
    expect(indexer.status()).toMatchObject({ lastError: 'backend down' })
    expect(indexer.status().failures).toBeGreaterThan(3)

    // Meanwhile the app is ready and says search is behind.
    const res = await createApp({ ...t.deps, search: failing, indexer }).request('/readyz')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      ok: true,
      database: { ok: true },
      search: { ok: false, error: 'indexer: backend down' },
    })
    expect(await indexer.lag()).toBeGreaterThan(0)

    down = false
    await caughtUp('outage')
    // The cursor commits a moment before the loop records its success.
    await expect
      .poll(() => indexer.status(), { timeout: 2000, interval: 10 })
      .toMatchObject({ failures: 0, lastError: null })
    expect(await searchIds('osprey')).toHaveLength(sent.length)
  })

  it('reads the log in commit order: a transaction still open holds back nothing it has not taken', async () => {
    const seen: number[] = []
    const indexer = instance(recorded('order', { seen }), {}, t.db)
    await sql`INSERT INTO search_index_cursors (name) VALUES ('order')`.execute(t.db)
    while ((await indexer.runOnce()) === 'more');
    expect(await readIndexCursor(t.db, 'order')).toBe(await lastEventId(t.db))

    // A transaction takes its event id (and with it the counter's lock) and commits later: the
    // indexer sees nothing new meanwhile, and a send queues behind it for the next id.
    const before = await readIndexCursor(t.db, 'order')
    let commit: () => void = () => undefined
    let took: () => void = () => undefined
    const tookId = new Promise<void>((r) => (took = r))
    const open = t.db.transaction().execute(async (trx) => {
      await takeEventIds(trx, [{ chatId, type: 'chat.updated' }])
      took()
      await new Promise<void>((r) => (commit = r))
    })
    await tookId
    const early = send('early puffin')
    expect(await indexer.runOnce()).toBe('idle')
    expect(await readIndexCursor(t.db, 'order')).toBe(before)
    commit()
    await open
    const sent = await early
    expect(await indexer.runOnce()).toBe('idle')
    expect(await readIndexCursor(t.db, 'order')).toBe(before! + 2)
    expect(await searchIds('puffin')).toEqual([sent.id])

    // A rolled-back transaction gives its id back: the log stays gap-free.
    await t.db
      .transaction()
      .execute(async (trx) => {
        await takeEventIds(trx, [{ chatId, type: 'chat.updated' }])
        throw new Error('roll back')
      })
      .catch(() => undefined)
    const after = await send('after the rollback')
    expect(await indexer.runOnce()).toBe('idle')
    expect(await readIndexCursor(t.db, 'order')).toBe(await lastEventId(t.db))
    const ids = await messageEventIds()
    expect(seen.slice(-2)).toEqual(ids.slice(-2))
    expect(await searchIds('rollback')).toEqual([after.id])
  })
})
