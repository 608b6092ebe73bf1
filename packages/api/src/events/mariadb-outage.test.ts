import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startPrivateMariadb, type PrivateMariadb } from '@messenger/db'
import { sql } from 'kysely'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../testing'
import { loadGroup, pollReady, settleStreams } from '../testing-load'
import { listen } from '../testing-sse'

// A MariaDB of this test's own, which it kills (SIGKILL) and restarts under load.
let dataDir: string
let mariadb: PrivateMariadb
let t: TestApp
let server: Awaited<ReturnType<typeof listen>>
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'outage-mariadb-'))
  mariadb = await startPrivateMariadb({ dataDir })
  t = await createTestApp({}, { databaseServer: mariadb.url })
  server = await listen(t.app)
}, 120_000)
afterAll(async () => {
  await server.close()
  await t.close()
  await mariadb.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

it('stores every acknowledged message once across a MariaDB crash, and recovers without a restart', async () => {
  const { group, streams, load } = await loadGroup(t, {
    senders: 6,
    readers: 2,
    streamUrl: server.url,
  })
  const readiness = pollReady(server.url, 100)

  let acks = 0
  const sending = load({
    url: server.url,
    perSender: 20,
    attemptTimeoutMs: 3000,
    retryMs: 200,
    onAck: () => acks++,
  })
  await expect.poll(() => acks, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(20)
  const ackedBeforeKill = acks
  const killedAt = performance.now()
  await mariadb.kill()
  await new Promise((r) => setTimeout(r, 2000))
  const restartedAt = performance.now()
  mariadb = await startPrivateMariadb({ dataDir, port: mariadb.port })
  const result = await sending
  const ready = await readiness.stop()

  expect(ackedBeforeKill).toBeGreaterThan(0)
  expect(result.failedAttempts).toBeGreaterThan(0)
  expect(result.unacked).toBe(0)
  expect(result.acked).toHaveLength(120)
  // Stored exactly once: one row per acknowledged message, nothing else (beside the group's
  // "created" system line).
  const rows = await sql<{ id: string; client_id: string }>`
    SELECT id, client_id FROM messages
    WHERE chat_id = ${group.id} AND system_event IS NULL`.execute(t.db)
  expect(rows.rows).toHaveLength(120)
  expect(new Set(rows.rows.map((r) => r.id))).toEqual(new Set(result.acked.map((a) => a.messageId)))
  // readyz said so while the database was away, and recovered by itself.
  expect(ready.some((r) => r.at > killedAt && r.at < restartedAt && r.status === 503)).toBe(true)
  expect(ready.at(-1)?.status).toBe(200)
  for (const check of await settleStreams(streams, result.acked)) {
    expect(check).toEqual({ missing: 0, duplicated: 0, unexpected: 0, inOrder: true })
  }
}, 120_000)
