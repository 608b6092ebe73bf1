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
let connected = 0

const open = async (i: number, url: string, token: string) => {
  const res = await fetch(`${url}/trpc/messages.events?input=%7B%7D`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
  })
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += value
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      if (block.startsWith('event: connected')) {
        if (++connected === streams.length) parentPort!.postMessage({ ready: true })
      } else if (block.includes('"message.created"')) {
        received[i]!.push(now())
        const k = received[i]!.length
        if (received.every((r) => r.length >= k)) {
          parentPort!.postMessage({ message: k - 1, at: received.map((r) => r[k - 1]!) })
        }
      }
    }
  }
}

streams.forEach((s, i) => void open(i, s.url, s.token))
