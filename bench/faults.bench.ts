/**
 * Concurrent sends through the HTTP API, as clients retrying with the same clientId, while a
 * dependency is killed (SIGKILL) and restarted: a private MariaDB under one instance, and a
 * private Redis between two instances. Counts what was lost or duplicated, in the database and on
 * live streams, and how long recovery took. The shared MariaDB and Redis are never touched.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  loadGroup,
  percentile,
  pollReady,
  settleStreams,
  twoInstances,
} from '@messenger/api/testing-load'
import { startPrivateRedis } from '@messenger/api/testing-redis'
import { listen } from '@messenger/api/testing-sse'
import { createTestApp } from '@messenger/api/testing'
import { startPrivateMariadb, type Database } from '@messenger/db'
import { sql, type Kysely } from 'kysely'
import { fmt } from './lib'

const SENDERS = Number(process.env.BENCH_SENDERS ?? 20)
const PER_SENDER = Number(process.env.BENCH_PER_SENDER ?? 50)
const READERS = 5
const OUTAGE_MS = Number(process.env.BENCH_OUTAGE_MS ?? 10_000)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The stream figures over all readers: events missing, duplicated, streams out of order. */
const streamFigures = async (
  streams: Parameters<typeof settleStreams>[0],
  acked: Parameters<typeof settleStreams>[1],
) => {
  const checks = await settleStreams(streams, acked, 30_000)
  return {
    missing: checks.reduce((n, c) => n + c.missing, 0),
    duplicated: checks.reduce((n, c) => n + c.duplicated + c.unexpected, 0),
    outOfOrder: checks.filter((c) => !c.inOrder).length,
  }
}

/**
 * What the database holds against what was acknowledged: lost (acknowledged, not stored),
 * duplicated (one clientId stored twice) and stray (stored, never acknowledged). The group's own
 * system message ("Ann created the group") is nobody's send.
 */
const storedFigures = async (
  db: Kysely<Database>,
  chatId: string,
  acked: readonly { clientId: string }[],
) => {
  const rows = await sql<{ id: string; n: number | string }>`
    SELECT client_id AS id, COUNT(*) AS n FROM messages
     WHERE chat_id = ${chatId} AND system_event IS NULL
     GROUP BY sender_id, client_id`.execute(db)
  const stored = new Set(rows.rows.map((r) => r.id))
  return {
    lost: acked.filter((a) => !stored.has(a.clientId)).length,
    duplicated: rows.rows.filter((r) => Number(r.n) > 1).length,
    stray: rows.rows.length - acked.length,
  }
}

const mariadbCrash = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-mariadb-'))
  let mariadb = await startPrivateMariadb({ dataDir })
  const t = await createTestApp({}, { databaseServer: mariadb.url })
  const server = await listen(t.app)
  try {
    const { group, streams, load } = await loadGroup(t, {
      senders: SENDERS,
      readers: READERS,
      streamUrl: server.url,
    })
    const readiness = pollReady(server.url, 50)
    let acks = 0
    const started = performance.now()
    const sending = load({
      url: server.url,
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
    const result = await sending
    const loadMs = performance.now() - started
    const ready = await readiness.stop()
    const firstReady = ready.find((r) => r.at > restartAt && r.status === 200)
    const unready = ready.filter((r) => r.at > killedAt && r.at < restartAt && r.status !== 200)
    return {
      name: `MariaDB killed, down ${OUTAGE_MS / 1000} s`,
      sent: SENDERS * PER_SENDER,
      acked: result.acked.length,
      ...(await storedFigures(t.db, group.id, result.acked)),
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
  const app = await twoInstances({ REDIS_URL: redis.url })
  try {
    const { group, streams, load } = await loadGroup(app.t, {
      senders: SENDERS,
      readers: READERS,
      streamUrl: app.two.url,
    })
    let acks = 0
    const started = performance.now()
    const sending = load({
      url: app.one.url,
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
    const result = await sending
    const loadMs = performance.now() - started
    return {
      name: `Redis killed, down ${OUTAGE_MS / 1000} s (streams on the other instance)`,
      sent: SENDERS * PER_SENDER,
      acked: result.acked.length,
      ...(await storedFigures(app.t.db, group.id, result.acked)),
      retries: result.failedAttempts,
      streams: await streamFigures(streams, result.acked),
      recovery: `${whileDown} sends acknowledged while Redis was down; no restart`,
      sendP99: percentile(result.attemptMs, 99),
      loadMs,
    }
  } finally {
    await app.close()
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
