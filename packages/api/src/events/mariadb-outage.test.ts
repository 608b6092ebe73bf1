import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startPrivateMariadb, type PrivateMariadb } from '@messenger/db'
import { sql } from 'kysely'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../testing'
import { checkStream, sendLoad, signUps } from '../testing-load'
import { collectEvents, listen } from '../testing-sse'

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
  const senders = await signUps(t, 6)
  const readers = await signUps(t, 2)
  const group = await senders[0]!.caller.chats.createGroup({
    title: 'Load',
    memberIds: [...senders, ...readers].map((u) => u.user.id),
  })
  const streams = readers.map((r) => collectEvents(server.url, r.accessToken))
  await Promise.all(streams.map((s) => s.ready))

  const ready: { at: number; status: number }[] = []
  const polling = { on: true }
  const poller = (async () => {
    while (polling.on) {
      const res = await fetch(`${server.url}/readyz`).catch(() => null)
      ready.push({ at: performance.now(), status: res?.status ?? 0 })
      await new Promise((r) => setTimeout(r, 100))
    }
  })()

  let acks = 0
  const load = sendLoad({
    url: server.url,
    senders: senders.map((s) => ({ token: s.accessToken, chatId: group.id })),
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
  const result = await load
  polling.on = false
  await poller

  expect(ackedBeforeKill).toBeGreaterThan(0)
  expect(result.failedAttempts).toBeGreaterThan(0)
  expect(result.unacked).toBe(0)
  expect(result.acked).toHaveLength(120)
  // Stored exactly once: one row per acknowledged message, nothing else.
  const rows = await sql<{ id: string; client_id: string }>`
    SELECT id, client_id FROM messages WHERE chat_id = ${group.id}`.execute(t.db)
  expect(rows.rows).toHaveLength(120)
  expect(new Set(rows.rows.map((r) => r.id))).toEqual(new Set(result.acked.map((a) => a.messageId)))
  // readyz said so while the database was away, and recovered by itself.
  expect(ready.some((r) => r.at > killedAt && r.at < restartedAt && r.status === 503)).toBe(true)
  expect(ready.at(-1)?.status).toBe(200)
  for (const s of streams) {
    await s.next(result.acked.length, 15_000)
    await new Promise((r) => setTimeout(r, 300))
    expect(checkStream(s.received, result.acked)).toEqual({
      missing: 0,
      duplicated: 0,
      unexpected: 0,
      inOrder: true,
    })
    s.close()
  }
}, 120_000)
