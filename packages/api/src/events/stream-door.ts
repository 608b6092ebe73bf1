import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import { createLimiter } from '@messenger/images'
import type { Deps } from '../deps'
import { startEventStream, STREAM_HEADERS } from './sse'

const PREFIX = Buffer.from('GET /trpc/messages.events')
/** Node's default limit on a request head. */
const MAX_HEAD = 16 * 1024
/**
 * Streams authenticating at once; the rest wait as bare sockets. Thousands at once (a reconnect
 * storm) kept their transient objects alive together and left the heap two to three times the
 * size of the streams it then held (10,000 at once: 21 KB of RSS per stream; 200 at a time: 7).
 */
const OPENS_AT_ONCE = 16
/** How long the rest of a head may take before Node's parser (and its timeouts) gets it. */
const HEAD_WAIT_MS = 1000
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const VALUE = /^[\t\x20-\x7e]*$/
const REQUEST_LINE = /^GET (\/trpc\/messages\.events(?:\?[\x21-\x7e]*)?) HTTP\/1\.1$/
/** Headers that mean a body, a protocol switch or an interim answer: Node's job. */
const NOT_PLAIN = ['transfer-encoding', 'upgrade', 'expect']

export interface StreamHead {
  /** Path and query. */
  target: string
  /** Lower-case names; each at most once. */
  headers: Map<string, string>
}

/**
 * The head of a plain HTTP/1.1 `GET /trpc/messages.events` without a body (text up to, not
 * including, the blank line), or null for anything else: that is left to Node's parser, which
 * answers or refuses it as it would any request.
 */
export const parseStreamHead = (text: string): StreamHead | null => {
  const lines = text.split('\r\n')
  const target = REQUEST_LINE.exec(lines[0]!)?.[1]
  if (target === undefined) return null
  const headers = new Map<string, string>()
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).toLowerCase()
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')
    if (colon <= 0 || !TOKEN.test(name) || !VALUE.test(value) || headers.has(name)) return null
    // Copied flat: a slice would keep the whole head alive for as long as a stream (or the
    // verified-token cache) holds the value.
    headers.set(name, Buffer.from(value, 'latin1').toString('latin1'))
  }
  if (!headers.has('host') || NOT_PLAIN.some((h) => headers.has(h))) return null
  const length = headers.get('content-length')
  if (length !== undefined && length !== '0') return null
  return { target, headers }
}

function destroyThis(this: Socket) {
  this.destroy()
}
const ignore = () => undefined

export interface StreamDoor {
  /** Takes event-stream requests that open a connection to `server` before its HTTP parser sees them. */
  attach(server: Server): void
  /** Streams served through the door. */
  readonly count: number
  /** Ends them (at shutdown: their clients resume elsewhere from lastEventId). */
  endAll(): void
  destroyAll(): void
}

/**
 * A connection whose first request is an event stream is served on the bare socket, never handed
 * to Node's HTTP server: an idle stream then holds a socket and its feed, not also a parser, a
 * request, a response and their listeners, which were three quarters of an idle stream's memory
 * (about 22 of 32 KB). Everything else — other requests, a stream on a connection that carried
 * another request first, a head this does not parse, a stream that fails to authenticate — goes
 * to the HTTP server with the bytes read so far, and the app answers it as before. The answer has
 * no length and no chunking: it ends when the connection closes (`connection: close`).
 */
export const createStreamDoor = (deps: Deps): StreamDoor => {
  const open = new Set<Socket>()
  const waiting = new Set<Socket>()
  const opening = createLimiter(OPENS_AT_ONCE)
  // Listeners shared by every socket (`this` is the socket): a stream allocates none of its own.
  const forgetWaiting = function (this: Socket) {
    waiting.delete(this)
  }
  const forgetOpen = function (this: Socket) {
    open.delete(this)
  }

  const serve = async (socket: Socket, head: StreamHead, handOver: () => void) => {
    const started = performance.now()
    const url = new URL(head.target, 'http://door')
    // randomUUID's string is a tree of 14 pieces; a stream keeps its id, so one flat copy.
    const requestId = Buffer.from(randomUUID(), 'latin1').toString('latin1')
    const ok = await opening.run(async () =>
      // A client that left while queued costs nothing more.
      socket.destroyed
        ? true
        : startEventStream(
            deps,
            {
              query: url.searchParams,
              authorization: head.headers.get('authorization') ?? null,
              requestId,
            },
            socket,
            () => {
              let text = 'HTTP/1.1 200 OK\r\n'
              for (const [k, v] of Object.entries(STREAM_HEADERS)) text += `${k}: ${v}\r\n`
              // Corked, so the head and the first event leave in one packet.
              socket.cork()
              socket.write(`${text}x-request-id: ${requestId}\r\nconnection: close\r\n\r\n`)
              process.nextTick(() => socket.uncork())
            },
          ).catch((err: unknown) => {
            deps.log.error({ err, requestId }, 'opening an event stream failed')
            socket.destroy()
            return true
          }),
    )
    if (socket.destroyed) return
    if (!ok) return handOver()
    waiting.delete(socket)
    socket.off('close', forgetWaiting)
    open.add(socket)
    socket.on('close', forgetOpen)
    // Nothing more is read from the client, but reading notices it leaving at once.
    socket.on('data', ignore)
    socket.on('end', destroyThis)
    socket.resume()
    deps.log.info({
      requestId,
      method: 'GET',
      path: url.pathname,
      procedure: 'messages.events',
      status: 200,
      ms: Math.round((performance.now() - started) * 10) / 10,
    })
  }

  return {
    attach: (server) => {
      const httpListeners = server.listeners('connection') as ((socket: Socket) => void)[]
      server.removeAllListeners('connection')
      server.on('connection', (socket: Socket) => {
        let raw: Buffer | null = null
        let timer: NodeJS.Timeout | undefined
        // Until it is handed over or streaming, a socket is nobody else's to close.
        waiting.add(socket)
        socket.on('close', forgetWaiting)
        socket.on('error', destroyThis)
        const handOver = () => {
          clearTimeout(timer)
          if (socket.destroyed) return
          waiting.delete(socket)
          socket.off('close', forgetWaiting)
          socket.off('data', onData)
          socket.off('error', destroyThis)
          socket.pause()
          if (raw) socket.unshift(raw)
          for (const l of httpListeners) l.call(server, socket)
          // Node's parser has its listeners now; the bytes read so far reach it first.
          process.nextTick(() => socket.resume())
        }
        const onData = (chunk: Buffer) => {
          raw = raw ? Buffer.concat([raw, chunk]) : chunk
          const n = Math.min(raw.length, PREFIX.length)
          if (raw.compare(PREFIX, 0, n, 0, n) !== 0) return handOver()
          const end = raw.indexOf('\r\n\r\n')
          if (end < 0) {
            if (raw.length >= MAX_HEAD) handOver()
            else timer ??= setTimeout(handOver, HEAD_WAIT_MS)
            return
          }
          clearTimeout(timer)
          // Bytes past the head (a pipelined request) are Node's to parse.
          const head =
            end + 4 === raw.length ? parseStreamHead(raw.toString('latin1', 0, end)) : null
          if (!head) return handOver()
          socket.off('data', onData)
          socket.pause()
          socket.setNoDelay(true)
          // Only the declined path needs the bytes again; a stream keeps none of this scope.
          const taken = raw
          raw = null
          void serve(socket, head, () => {
            raw = taken
            handOver()
          })
        }
        socket.on('data', onData)
      })
    },
    get count() {
      return open.size
    },
    endAll: () => {
      for (const s of open) s.end()
    },
    destroyAll: () => {
      for (const s of [...open, ...waiting]) s.destroy()
    },
  }
}
