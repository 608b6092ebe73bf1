/**
 * Worker thread for the fan-out benchmark: holds many raw SSE streams (fetch + a tiny parser, so
 * the clients cost little) on its own core, and reports when each has received message k.
 */
import { parentPort, workerData } from 'node:worker_threads'

interface Init {
  streams: { url: string; token: string }[]
}
const { streams } = workerData as Init
const now = () => performance.timeOrigin + performance.now()
const received: number[][] = streams.map(() => [])
/** How many streams have received message k, so a report costs O(1) per receipt. */
const counts: number[] = []
let connected = 0

const open = async (i: number, url: string, token: string) => {
  const res = await fetch(`${url}/trpc/messages.events?input=%7B%7D`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
  })
  const reader = res.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += decoder.decode(value, { stream: true })
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      if (block.startsWith('event: connected')) {
        if (++connected === streams.length) parentPort!.postMessage({ ready: true })
      } else if (block.includes('"message.created"')) {
        received[i]!.push(now())
        const k = received[i]!.length - 1
        counts[k] = (counts[k] ?? 0) + 1
        if (counts[k] === streams.length) {
          parentPort!.postMessage({ message: k, at: received.map((r) => r[k]!) })
        }
      }
    }
  }
}

streams.forEach((s, i) => void open(i, s.url, s.token))
