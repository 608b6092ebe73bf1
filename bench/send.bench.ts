/**
 * messages.send over HTTP with 50 concurrent clients, against a bare Hono route that does one
 * mysql2 INSERT of the same row, on the same database in the same run. Both servers run as
 * production bundles in processes of their own (bench/processes.ts), so neither pays for tsx or
 * shares a thread with the other, and each one's CPU per request is its own.
 * BENCH_SEND_SERVER_FLAGS adds node flags to both servers (--cpu-prof).
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { createTestDb } from '@messenger/db/testing'
import { fmt, mariadbCpu, median, quantile, table, tsWorker } from './lib'
import { startApiProcess, startServerProcess, type ServerProcess } from './processes'
import { seedUsers } from './server'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50)
const DURATION_MS = 2500
const ROUNDS = 4

/** Runs the clients on a worker thread; returns per-request latencies and requests per second. */
const load = async (
  url: string,
  clients: { token?: string; body: Record<string, unknown> }[],
  ms = DURATION_MS,
) => {
  const worker = await tsWorker(new URL('./http-load.ts', import.meta.url), { url, ms, clients })
  return new Promise<{ latencies: number[]; rps: number }>((resolve, reject) => {
    worker.once('message', (latencies: number[]) => {
      resolve({ latencies, rps: (latencies.length * 1000) / ms })
      void worker.terminate()
    })
    worker.once('error', reject)
  })
}

export async function run() {
  const db = await createTestDb()
  const jwtSecret = randomBytes(32).toString('hex')
  const servers: ServerProcess[] = []
  try {
    const api = await startApiProcess(db.url, jwtSecret, {}, process.env.BENCH_SEND_SERVER_FLAGS)
    servers.push(api)
    const bare = await startServerProcess(
      join(import.meta.dirname, 'send-baseline-server.ts'),
      { DATABASE_URL: db.url },
      process.env.BENCH_SEND_SERVER_FLAGS,
    )
    servers.push(bare)
    const users = await seedUsers({ db: db.db, config: { jwtSecret } }, CLIENTS * 2, 'send')
    // Each client talks in its own personal chat, as people mostly do.
    const chats: string[] = []
    for (let c = 0; c < CLIENTS; c++) {
      const res = await fetch(`${api.url}/trpc/chats.createDirect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${users[c]!.token}` },
        body: JSON.stringify({ userId: users[c + CLIENTS]!.id }),
      })
      const body = (await res.json()) as { result?: { data: { id: string } } }
      if (!body.result) throw new Error(`createDirect: ${JSON.stringify(body)}`)
      chats.push(body.result.data.id)
    }
    const text = 'Benchmark message with a few ordinary words in it'

    // Alternating rounds of baseline and API, so background load falls on both alike.
    const paths = [
      {
        name: 'bare Hono + one INSERT (baseline)',
        server: bare,
        url: `${bare.url}/send`,
        clients: chats.map((chatId, c) => ({ body: { chatId, senderId: users[c]!.id, text } })),
        latencies: [] as number[],
        rps: 0,
        cpuMs: 0,
        dbMs: 0,
        calls: 0,
      },
      {
        name: 'messages.send',
        server: api,
        url: `${api.url}/trpc/messages.send`,
        clients: chats.map((chatId, c) => ({ token: users[c]!.token, body: { chatId, text } })),
        latencies: [] as number[],
        rps: 0,
        cpuMs: 0,
        dbMs: 0,
        calls: 0,
      },
    ]
    const mariadbCpuMs = await mariadbCpu(db.db)
    for (const p of paths) await load(p.url, p.clients.slice(0, 5), 1000)
    for (let round = 0; round < ROUNDS; round++) {
      for (const p of paths) {
        const cpu0 = await p.server.cpu()
        const db0 = mariadbCpuMs()
        const r = await load(p.url, p.clients)
        // The search indexer follows the sends by up to 50 ms: its work is counted with them.
        await new Promise((resolve) => setTimeout(resolve, 300))
        p.cpuMs += (await p.server.cpu()) - cpu0
        const db1 = mariadbCpuMs()
        if (db0 !== null && db1 !== null) p.dbMs += db1 - db0
        p.calls += r.latencies.length
        p.latencies.push(...r.latencies)
        p.rps += r.rps / ROUNDS
      }
    }

    const [baseline, send] = paths as [(typeof paths)[0], (typeof paths)[0]]
    const ratio = send.rps / baseline.rps
    return [
      `${CLIENTS} concurrent HTTP clients, ${ROUNDS} alternating rounds of ${DURATION_MS / 1000} s per path after a warm-up, load generator on a worker thread (node:http with keep-alive). Each server is a production bundle in its own process; "server CPU" is that process's CPU time per request, "MariaDB CPU" the database server's over the same rounds (its background work included).`,
      '',
      table(
        ['path', 'req/s', 'p50 ms', 'p99 ms', 'server CPU ms/req', 'MariaDB CPU ms/req'],
        paths.map((p) => [
          p.name,
          fmt(p.rps, 0),
          fmt(median(p.latencies)),
          fmt(quantile(p.latencies, 0.99)),
          fmt(p.cpuMs / p.calls, 3),
          fmt(p.dbMs / p.calls, 3),
        ]),
      ),
      '',
      `**messages.send throughput = ${fmt(ratio * 100, 0)}% of the baseline's ${fmt(baseline.rps, 0)} req/s** (target ≥ 50%).`,
    ].join('\n')
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
    await db.drop()
  }
}
