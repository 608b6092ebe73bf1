/**
 * messages.send over HTTP with 50 concurrent clients, against a bare Hono route that does one
 * mysql2 INSERT of the same row, on the same database in the same run.
 */
import { randomUUID } from 'node:crypto'
import { serve } from '@hono/node-server'
import { createTestDb } from '@messenger/db/testing'
import { Hono } from 'hono'
import { createPool } from 'mysql2/promise'
import type { AddressInfo } from 'node:net'
import { fmt, median, quantile, table, tsWorker } from './lib'
import { seedUsers, startServer } from './server'

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
  const server = await startServer(db)
  try {
    const users = await seedUsers(server.deps, CLIENTS * 2, 'send')
    // Each client talks in its own personal chat, as people mostly do.
    const chats: string[] = []
    for (let c = 0; c < CLIENTS; c++) {
      const res = await fetch(`${server.url}/trpc/chats.createDirect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${users[c]!.token}` },
        body: JSON.stringify({ userId: users[c + CLIENTS]!.id }),
      })
      const body = (await res.json()) as { result?: { data: { id: string } } }
      if (!body.result) throw new Error(`createDirect: ${JSON.stringify(body)}`)
      chats.push(body.result.data.id)
    }

    const pool = createPool({ uri: db.url, connectionLimit: 30 })
    const bare = new Hono().post('/send', async (c) => {
      const b = await c.req.json<{ chatId: string; senderId: string; text: string }>()
      await pool.execute(
        'INSERT INTO messages (id, chat_id, sender_id, client_id, text) VALUES (?, ?, ?, ?, ?)',
        [randomUUID(), b.chatId, b.senderId, randomUUID(), b.text],
      )
      return c.json({ ok: true })
    })
    const bareServer = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
    })
    const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/send`
    const text = 'Benchmark message with a few ordinary words in it'

    // Alternating rounds of baseline and API, so background load falls on both alike.
    const bareClients = chats.map((chatId, c) => ({
      body: { chatId, senderId: users[c]!.id, text },
    }))
    const apiClients = chats.map((chatId, c) => ({
      token: users[c]!.token,
      body: { chatId, text },
    }))
    const apiUrl = `${server.url}/trpc/messages.send`
    await load(bareUrl, bareClients.slice(0, 5), 1000)
    await load(apiUrl, apiClients.slice(0, 5), 1000)
    const baseline = { latencies: [] as number[], rps: 0 }
    const api = { latencies: [] as number[], rps: 0 }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [acc, url, clients] of [
        [baseline, bareUrl, bareClients],
        [api, apiUrl, apiClients],
      ] as const) {
        const r = await load(url, clients)
        acc.latencies.push(...r.latencies)
        acc.rps += r.rps / ROUNDS
      }
    }
    bareServer.close()
    await pool.end()

    const row = (name: string, r: typeof api) => [
      name,
      fmt(r.rps, 0),
      fmt(median(r.latencies)),
      fmt(quantile(r.latencies, 0.99)),
    ]
    const ratio = api.rps / baseline.rps
    return [
      `${CLIENTS} concurrent HTTP clients, ${ROUNDS} alternating rounds of ${DURATION_MS / 1000} s per path after a warm-up, load generator on a worker thread (node:http with keep-alive).`,
      '',
      table(
        ['path', 'req/s', 'p50 ms', 'p99 ms'],
        [row('bare Hono + one INSERT (baseline)', baseline), row('messages.send', api)],
      ),
      '',
      `**messages.send throughput = ${fmt(ratio * 100, 0)}% of the baseline** (target ≥ 50%).`,
    ].join('\n')
  } finally {
    await server.close()
    await db.drop()
  }
}
