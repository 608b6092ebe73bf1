import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import { lastEventId, readIndexCursor } from '@messenger/db'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../testing'
import { reindex } from './reindex'

let t: TestApp
let ann: Awaited<ReturnType<TestApp['signUp']>>
let chatId: string

beforeAll(async () => {
  t = await createTestApp()
  ann = await t.signUp()
  chatId = (await ann.caller.chats.createGroup({ title: 'Reindex', memberIds: [] })).id
})
afterAll(() => t.close())

const send = (text: string) => ann.caller.messages.send({ chatId, clientId: randomUUID(), text })
const searchIds = async (query: string) =>
  (await t.deps.search.search({ userId: ann.user.id, query, limit: 50 })).map((h) => h.messageId)

it('rebuilds a lost index from MySQL with progress, and the indexer carries on after it', async () => {
  const sent = await Promise.all(Array.from({ length: 25 }, (_, i) => send(`albatross ${i}`)))
  const gone = await send('albatross to delete')
  await ann.caller.messages.delete({ messageId: gone.id })
  await expect.poll(() => searchIds('albatross'), { timeout: 2000 }).toHaveLength(sent.length)
  await sql`TRUNCATE TABLE search_postings`.execute(t.db)
  expect(await searchIds('albatross')).toEqual([])

  const seen: [number, number][] = []
  const r = await reindex(t.db, t.deps.search, (done, total) => seen.push([done, total]), 10)
  // Every row is walked: the deleted one and the system message "Ann created the group" too.
  expect(r.messages).toBe(sent.length + 2)
  expect(seen[0]).toEqual([0, 27])
  expect(seen.at(-1)).toEqual([27, 27])
  expect(seen.length).toBeGreaterThan(3)
  expect((await searchIds('albatross')).sort()).toEqual(sent.map((m) => m.id).sort())
  expect(await readIndexCursor(t.db, 'mysql')).toBe(await lastEventId(t.db))

  const later = await send('albatross after the rebuild')
  await expect.poll(() => searchIds('albatross'), { timeout: 2000 }).toContain(later.id)
})

it('runs as pnpm search:reindex against the configured database, printing progress', async () => {
  await sql`TRUNCATE TABLE search_postings`.execute(t.db)
  const cli = fileURLToPath(new URL('./reindex-cli.ts', import.meta.url))
  const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', cli], {
    env: {
      ...process.env,
      DATABASE_URL: t.config.databaseUrl,
      DATA_DIR: t.config.dataDir,
      LOG_LEVEL: 'silent',
    },
  })
  expect(stderr).toMatch(/reindexing the MySQL index: \d+ \/ \d+ messages \(100%\)/)
  expect(stderr).toMatch(/reindexed \d+ messages in [\d.]+ s/)
  expect(await searchIds('albatross')).toHaveLength(26)
}, 30_000)
