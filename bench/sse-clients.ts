/**
 * Worker thread for the fan-out benchmark: holds many SSE streams on raw TCP sockets on its own
 * core, and reports when each has received message k. The clients are the floor of what a reader
 * costs (no HTTP client, no web streams, no decoding: bytes are scanned for the event's type), so
 * the latency measured is the server's, not the load generator's.
 */
import { connect } from 'node:net'
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

const CONNECTED = Buffer.from('event: connected')
const CREATED = Buffer.from('"message.created"')

/** Occurrences of `needle` in `tail + chunk` that end inside `chunk`. */
const count = (tail: Buffer, chunk: Buffer, needle: Buffer) => {
  const text = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk
  let n = 0
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) n++
  return n
}

const open = (i: number, url: string, token: string) => {
  const { hostname, port } = new URL(url)
  const socket = connect({ host: hostname, port: Number(port), noDelay: true })
  socket.write(
    `GET /trpc/messages.events?input=%7B%7D HTTP/1.1\r\nhost: ${hostname}:${port}\r\n` +
      `authorization: Bearer ${token}\r\naccept: text/event-stream\r\n\r\n`,
  )
  let tail: Buffer = Buffer.alloc(0)
  let ready = false
  socket.on('data', (chunk: Buffer) => {
    const at = now()
    if (!ready && count(tail, chunk, CONNECTED) > 0) {
      ready = true
      if (++connected === streams.length) parentPort!.postMessage({ ready: true })
    }
    for (let n = count(tail, chunk, CREATED); n > 0; n--) {
      received[i]!.push(at)
      const k = received[i]!.length - 1
      counts[k] = (counts[k] ?? 0) + 1
      if (counts[k] === streams.length) {
        parentPort!.postMessage({ message: k, at: received.map((r) => r[k]!) })
      }
    }
    // Enough of the end to find a marker split across two chunks.
    const keep = CREATED.length - 1
    tail = chunk.length >= keep ? chunk.subarray(chunk.length - keep) : Buffer.concat([tail, chunk])
  })
  socket.on('error', (err) => {
    throw err
  })
}

streams.forEach((s, i) => open(i, s.url, s.token))
