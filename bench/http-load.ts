/**
 * Worker thread for the send benchmark: `clients` loops POSTing JSON for `ms` milliseconds, on a
 * core of their own, then reports every request's latency. node:http with keep-alive, not fetch:
 * undici's fetch cost the generator more CPU than the bare baseline server spent, so the baseline
 * measured the generator (571 req/s) rather than the server.
 */
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import { parentPort, workerData } from 'node:worker_threads'

interface Job {
  url: string
  ms: number
  /** One per client: the token (if any) and the body; `clientId` is filled in fresh per request. */
  clients: { token?: string; body: Record<string, unknown> }[]
}
const job = workerData as Job
const url = new URL(job.url)
const agent = new http.Agent({ keepAlive: true, maxSockets: job.clients.length })

const post = (token: string | undefined, body: string) =>
  new Promise<void>((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(token && { authorization: `Bearer ${token}` }),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          if (res.statusCode === 200) resolve()
          else
            reject(new Error(`${job.url}: ${res.statusCode} ${Buffer.concat(chunks).toString()}`))
        })
      },
    )
    req.on('error', reject)
    req.end(body)
  })

const latencies: number[] = []
const end = performance.now() + job.ms
await Promise.all(
  job.clients.map(async (c) => {
    while (performance.now() < end) {
      const t0 = performance.now()
      await post(c.token, JSON.stringify({ ...c.body, clientId: randomUUID() }))
      latencies.push(performance.now() - t0)
    }
  }),
)
agent.destroy()
parentPort!.postMessage(latencies)
