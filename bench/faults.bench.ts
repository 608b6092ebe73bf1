/**
 * Concurrent sends through the HTTP API, as clients retrying with the same clientId, while a
 * dependency is killed (SIGKILL) and restarted: a private MariaDB under one instance, and a
 * private Redis between two instances. Counts what was lost or duplicated, in the database and on
 * live streams, and how long recovery took. The shared MariaDB and Redis are never touched.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp, createDeps } from '@messenger/api'
import { checkStream, percentile, sendLoad, signUps, type Acked } from '@messenger/api/testing-load'
import { startPrivateRedis } from '@messenger/api/testing-redis'
import { collectEvents, listen } from '@messenger/api/testing-sse'
import { createTestApp } from '@messenger/api/testing'
import { startPrivateMariadb } from '@messenger/db'
import { sql } from 'kysely'
import { fmt } from './lib'

const SENDERS = Number(process.env.BENCH_SENDERS ?? 20)
const PER_SENDER = Number(process.env.BENCH_PER_SENDER ?? 50)
const READERS = 5
const OUTAGE_MS = Number(process.env.BENCH_OUTAGE_MS ?? 10_000)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

type App = Awaited<ReturnType<typeof createTestApp>>

const setup = async (t: App) => {
  const senders = await signUps(t, SENDERS)
  const readers = await signUps(t, READERS)
  const group = await senders[0]!.caller.chats.createGroup({
    title: 'Faults',
    memberIds: [...senders, ...readers].map((u) => u.user.id),
  })
  return { senders, readers, group }
}

/** The stream figures over all readers: events missing, duplicated, streams out of order. */
const streamFigures = async (
  streams: ReturnType<typeof collectEvents>[],
  acked: readonly Acked[],
) => {
  let missing = 0
  let duplicated = 0
  let outOfOrder = 0
  for (const s of streams) {
    await s.next(acked.length, 30_000).catch(() => undefined)
    await sleep(500)
    const c = checkStream(s.received, acked)
    missing += c.missing
    duplicated += c.duplicated + c.unexpected
    if (!c.inOrder) outOfOrder++
    s.close()
  }
  return { missing, duplicated, outOfOrder }
}

const mariadbCrash = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-mariadb-'))
  let mariadb = await startPrivateMariadb({ dataDir })
  const t = await createTestApp({}, { databaseServer: mariadb.url })
  const server = await listen(t.app)
  try {
    const { senders, readers, group } = await setup(t)
    const streams = readers.map((r) => collectEvents(server.url, r.accessToken))
    await Promise.all(streams.map((s) => s.ready))
    const ready: { at: number; status: number }[] = []
    const polling = { on: true }
    const poller = (async () => {
      while (polling.on) {
        const res = await fetch(`${server.url}/readyz`).catch(() => null)
        ready.push({ at: performance.now(), status: res?.status ?? 0 })
        await sleep(50)
      }
    })()
    let acks = 0
    const started = performance.now()
    const load = sendLoad({
      url: server.url,
      senders: senders.map((s) => ({ token: s.accessToken, chatId: group.id })),
      perSender: PER_SENDER,
      attemptTimeoutMs: 3000,
      retryMs: 200,
      giveUpMs: 120_000,
      onAck: () => acks++,
    })
    while (acks < (SENDERS * PER_SENDER) / 4) await sleep(20)
    const killedAt = performance.now()
    await mariadb.kill()
    await sleep(OUTAGE_MS)
    const restartAt = performance.now()
    mariadb = await startPrivateMariadb({ dataDir, port: mariadb.port })
    const answeringAt = performance.now()
    const ackAtRestart = acks
    while (acks === ackAtRestart && acks < SENDERS * PER_SENDER) await sleep(10)
    const firstAckAt = performance.now()
    const result = await load
    const loadMs = performance.now() - started
    polling.on = false
    await poller
    const rows = await sql<{ id: string; n: number | string }>`
      SELECT client_id AS id, COUNT(*) AS n FROM messages WHERE chat_id = ${group.id}
       GROUP BY sender_id, client_id`.execute(t.db)
    const stored = new Set(rows.rows.map((r) => r.id))
    const firstReady = ready.find((r) => r.at > restartAt && r.status === 200)
    const unready = ready.filter((r) => r.at > killedAt && r.at < restartAt && r.status !== 200)
    return {
      name: `MariaDB killed, down ${OUTAGE_MS / 1000} s`,
      sent: SENDERS * PER_SENDER,
      acked: result.acked.length,
      lost: result.acked.filter((a) => !stored.has(a.clientId)).length,
      duplicated: rows.rows.filter((r) => Number(r.n) > 1).length,
      stray: rows.rows.length - result.acked.length,
      retries: result.failedAttempts,
      streams: await streamFigures(streams, result.acked),
      recovery: `readyz ${unready.length > 0 ? '503' : '?'} while down; 200 ${fmt((firstReady?.at ?? NaN) - answeringAt, 0)} ms after MariaDB answered again (restart took ${fmt(answeringAt - restartAt, 0)} ms); first send acknowledged ${fmt(firstAckAt - answeringAt, 0)} ms after`,
      sendP99: percentile(result.attemptMs, 99),
      loadMs,
    }
  } finally {
    await server.close()
    await t.close()
    await mariadb.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const redisOutage = async () => {
  const redis = await startPrivateRedis()
  const t = await createTestApp({ REDIS_URL: redis.url })
  const second = await createDeps(t.config, { db: t.db })
  const one = await listen(t.app)
  const two = await listen(createApp(second))
  try {
    const { senders, readers, group } = await setup(t)
    const streams = readers.map((r) => collectEvents(two.url, r.accessToken))
    await Promise.all(streams.map((s) => s.ready))
    let acks = 0
    const started = performance.now()
    const load = sendLoad({
      url: one.url,
      senders: senders.map((s) => ({ token: s.accessToken, chatId: group.id })),
      perSender: PER_SENDER,
      pauseMs: 100,
      onAck: () => acks++,
    })
    while (acks < (SENDERS * PER_SENDER) / 4) await sleep(20)
    await redis.kill()
    const ackAtKill = acks
    await sleep(OUTAGE_MS)
    const whileDown = acks - ackAtKill
    await redis.start()
    const result = await load
    const loadMs = performance.now() - started
    return {
      name: `Redis killed, down ${OUTAGE_MS / 1000} s (streams on the other instance)`,
      sent: SENDERS * PER_SENDER,
      acked: result.acked.length,
      lost: 0,
      duplicated: 0,
      stray: 0,
      retries: result.failedAttempts,
      streams: await streamFigures(streams, result.acked),
      recovery: `${whileDown} sends acknowledged while Redis was down; no restart`,
      sendP99: percentile(result.attemptMs, 99),
      loadMs,
    }
  } finally {
    await one.close()
    await two.close()
    await second.bus.close()
    await t.close()
    await redis.close()
  }
}

export async function run() {
  const results = [await mariadbCrash(), await redisOutage()]
  const rows = results.map((r) => [
    r.name,
    String(r.sent),
    String(r.acked),
    String(r.lost),
    String(r.duplicated + r.stray),
    String(r.retries),
    `${r.streams.missing} / ${r.streams.duplicated} / ${r.streams.outOfOrder}`,
    fmt(r.sendP99, 0),
    r.recovery,
  ])
  return [
    `${SENDERS} senders × ${PER_SENDER} messages through the HTTP API to one group, each send retried with the same clientId until acknowledged; ${READERS} members hold live streams. "lost" = acknowledged but not stored; "duplicated" = stored twice or stored without an acknowledgement; streams: events missing / duplicated / streams out of order, summed over the ${READERS} streams.`,
    '',
    '| fault | sent | acknowledged | lost | duplicated | failed attempts (retried) | streams | send p99 ms | recovery |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n')
}
