import { randomUUID } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../testing'
import { collectEvents, listen } from '../testing-sse'

let t: TestApp
let server: Awaited<ReturnType<typeof listen>>
const LIMIT = 64 * 1024
beforeAll(async () => {
  t = await createTestApp({ STREAM_MAX_BUFFER_BYTES: String(LIMIT) })
  server = await listen(t.app)
})
afterAll(async () => {
  await server.close()
  await t.close()
})

/**
 * A client that sends the request, reads the response head and then stops reading. A request
 * before it on the connection makes the stream go through Node's HTTP server rather than the
 * stream door: on a bare loopback socket the kernel took all 3 MB of this test (its buffers grow
 * to tcp_wmem's 4 MB) before the server saw any backlog, which a response's socket did not.
 */
const stalledStream = async (token: string) => {
  const { hostname, port } = new URL(server.url)
  const socket: Socket = connect(Number(port), hostname)
  const chunks: Buffer[] = []
  const state = { ended: false }
  socket.on('data', (c: Buffer) => chunks.push(c))
  socket.on('end', () => (state.ended = true))
  socket.on('error', () => (state.ended = true))
  socket.write(
    `GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\n\r\n` +
      `GET /trpc/messages.events?input=${encodeURIComponent('{}')} HTTP/1.1\r\n` +
      `Host: ${hostname}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`,
  )
  await new Promise<void>((resolve) => {
    const check = () => {
      if (Buffer.concat(chunks).includes('event: connected')) resolve()
      else setTimeout(check, 10)
    }
    check()
  })
  socket.pause()
  return { socket, chunks, state }
}

it('closes the stream of a client that stopped reading, and it resumes from its last event', async () => {
  const ann = await t.signUp()
  const bob = await t.signUp()
  const chat = await ann.caller.chats.createDirect({ userId: bob.user.id })
  const stalled = await stalledStream(bob.accessToken)

  // About 6.6 KB per event; far more than the bound and the sockets' buffers together, even when
  // a loaded machine lets the kernel's buffers grow.
  const text = 'жж '.repeat(1333)
  const sent: string[] = []
  for (let i = 0; i < 20; i++) {
    const batch = await Promise.all(
      Array.from({ length: 25 }, () =>
        ann.caller.messages.send({ chatId: chat.id, clientId: randomUUID(), text }),
      ),
    )
    sent.push(...batch.map((m) => m.id))
  }
  const sentBytes = sent.length * text.length * 2

  // Read what the server managed to hand over: it must have ended the stream well short of it all.
  stalled.socket.resume()
  await expect.poll(() => stalled.state.ended, { timeout: 10_000 }).toBe(true)
  const body = Buffer.concat(stalled.chunks).toString()
  expect(body.length).toBeLessThan(sentBytes / 2)
  const ids = [...body.matchAll(/^id: (\d+)\ndata: .*\n\n/gm)].map((m) => m[1]!)
  expect(ids.length).toBeGreaterThan(0)
  expect(ids.length).toBeLessThan(sent.length)

  // Resuming from the last whole event delivers everything else, in order, once.
  const again = collectEvents(server.url, bob.accessToken, { lastEventId: ids.at(-1)! })
  const rest = await again.next(sent.length - ids.length, 20_000)
  const all = [...ids, ...rest.map((r) => r.id)].map(Number)
  expect(all).toEqual([...all].sort((a, b) => a - b))
  expect(new Set(all).size).toBe(sent.length)
  expect(rest.every((r) => r.event.type === 'message.created')).toBe(true)
  again.close()
}, 60_000)
