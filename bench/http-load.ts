/**
 * Worker thread for the send benchmark: `clients` loops POSTing JSON for `ms` milliseconds, on a
 * core of their own, then reports every request's latency.
 */
import { randomUUID } from 'node:crypto'
import { parentPort, workerData } from 'node:worker_threads'

interface Job {
  url: string
  ms: number
  /** One per client: the token (if any) and the body; `clientId` is filled in fresh per request. */
  clients: { token?: string; body: Record<string, unknown> }[]
}
const job = workerData as Job

const latencies: number[] = []
const end = performance.now() + job.ms
await Promise.all(
  job.clients.map(async (c) => {
    while (performance.now() < end) {
      const t0 = performance.now()
      const res = await fetch(job.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(c.token && { authorization: `Bearer ${c.token}` }),
        },
        body: JSON.stringify({ ...c.body, clientId: randomUUID() }),
      })
      if (res.status !== 200) throw new Error(`${job.url}: ${res.status} ${await res.text()}`)
      await res.arrayBuffer()
      latencies.push(performance.now() - t0)
    }
  }),
)
parentPort!.postMessage(latencies)
