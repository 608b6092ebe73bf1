import { randomUUID } from 'node:crypto'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../testing'
import { listen } from '../testing-sse'
import { LAZY_MS } from './sse'
import { parseStreamHead } from './stream-door'

describe('parseStreamHead', () => {
  const head = (lines: string[]) => lines.join('\r\n')
  const plain = [
    'GET /trpc/messages.events?input=%7B%7D HTTP/1.1',
    'Host: a',
    'Authorization: Bearer x',
  ]

  it('reads a plain HTTP/1.1 GET of the event stream, names in lower case', () => {
    const h = parseStreamHead(head([...plain, 'X-Forwarded-For:  1.2.3.4 ']))
    expect(h?.target).toBe('/trpc/messages.events?input=%7B%7D')
    expect(h?.headers.get('authorization')).toBe('Bearer x')
    expect(h?.headers.get('x-forwarded-for')).toBe('1.2.3.4')
    expect(parseStreamHead(head([...plain, 'Content-Length: 0']))).not.toBeNull()
  })

  it.each([
    ['HTTP/1.0', ['GET /trpc/messages.events HTTP/1.0', 'Host: a']],
    ['another path', ['GET /trpc/messages.eventsx HTTP/1.1', 'Host: a']],
    ['another method', ['POST /trpc/messages.events HTTP/1.1', 'Host: a']],
    ['no Host', ['GET /trpc/messages.events HTTP/1.1']],
    ['a header twice', [...plain, 'authorization: Bearer y']],
    ['a body', [...plain, 'Content-Length: 5']],
    ['chunking', [...plain, 'Transfer-Encoding: chunked']],
    ['an upgrade', [...plain, 'Upgrade: websocket']],
    ['Expect', [...plain, 'Expect: 100-continue']],
    ['a folded line', [...plain, ' continued']],
    ['a bad name', [...plain, 'Bad Name: x']],
    ['a control character', [...plain, 'X: a\u0001b']],
    ['a bare LF', [...plain, 'X: a\nY: b']],
    ['a byte past ASCII', [...plain, 'X: \u00e9']],
  ])('leaves to Node a head with %s', (_, lines) => {
    expect(parseStreamHead(head(lines))).toBeNull()
  })
})

describe('the stream door', () => {
  let t: TestApp
  let server: Awaited<ReturnType<typeof listen>>
  beforeAll(async () => {
    t = await createTestApp()
    server = await listen(t.app)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  /** Writes `chunks` on a new connection (a pause between them) and collects the answer. */
  const rawClient = (chunks: string[]) => {
    const { hostname, port } = new URL(server.url)
    const socket = connect(Number(port), hostname)
    const state = { text: '', ended: false }
    socket.setEncoding('latin1')
    socket.on('data', (c: string) => (state.text += c))
    socket.on('close', () => (state.ended = true))
    socket.on('error', () => (state.ended = true))
    void (async () => {
      for (const c of chunks) {
        socket.write(c)
        await new Promise((r) => setTimeout(r, 50))
      }
    })()
    return { socket, state }
  }
  const streamRequest = (token: string | null) =>
    `GET /trpc/messages.events?input=${encodeURIComponent('{}')} HTTP/1.1\r\nHost: x\r\n` +
    (token ? `Authorization: Bearer ${token}\r\n` : '') +
    'Accept: text/event-stream\r\n\r\n'

  /** Ann and Bob in a personal chat, Bob reading his stream on a bare connection. */
  const pairWithStream = async () => {
    const ann = await t.signUp()
    const bob = await t.signUp()
    const chat = await ann.caller.chats.createDirect({ userId: bob.user.id })
    const c = rawClient([streamRequest(bob.accessToken)])
    await expect.poll(() => c.state.text).toContain('event: connected')
    return { ann, chat, c }
  }

  it('serves a stream that opens a connection on the bare socket, and delivers to it', async () => {
    const { ann, chat, c } = await pairWithStream()
    expect(c.state.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(c.state.text).toContain('\r\nconnection: close\r\n')
    expect(c.state.text).toMatch(/\r\nx-request-id: [0-9a-f-]{36}\r\n/)
    expect(c.state.text).not.toContain('transfer-encoding')
    expect(t.app.streamDoor.count).toBe(1)
    const m = await ann.caller.messages.send({
      chatId: chat.id,
      clientId: randomUUID(),
      text: 'hi',
    })
    await expect.poll(() => c.state.text).toContain(`"id":"${m.id}"`)
    c.socket.destroy()
    await expect.poll(() => t.app.streamDoor.count).toBe(0)
  })

  it('holds a typing signal for the next flush, and lets a message overtake the wait', async () => {
    const { ann, chat, c } = await pairWithStream()
    // Alone, typing waits for the lazy flush: no other write to Bob's socket can take it sooner.
    const before = c.state.text.length
    const asked = performance.now()
    await ann.caller.chats.typing({ chatId: chat.id })
    await expect.poll(() => c.state.text.slice(before)).toContain('"type":"typing"')
    expect(performance.now() - asked).toBeGreaterThanOrEqual(LAZY_MS - 5)
    // A message goes at once and takes whatever waits on the socket along, in order.
    await new Promise((r) => setTimeout(r, 1100))
    const from = c.state.text.length
    await ann.caller.chats.typing({ chatId: chat.id })
    const m = await ann.caller.messages.send({ chatId: chat.id, clientId: randomUUID(), text: 'x' })
    await expect.poll(() => c.state.text.slice(from)).toContain(`"id":"${m.id}"`)
    const rest = c.state.text.slice(from)
    expect(rest.indexOf('"type":"typing"')).toBeGreaterThanOrEqual(0)
    expect(rest.indexOf('"type":"typing"')).toBeLessThan(rest.indexOf(`"id":"${m.id}"`))
    c.socket.destroy()
  })

  it('hands everything else to the HTTP server with the bytes it read', async () => {
    const bob = await t.signUp()
    // Another request first: a stream after it on the connection is Node's, and still served.
    const after = rawClient([
      `GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n${streamRequest(bob.accessToken)}`,
    ])
    await expect.poll(() => after.state.text).toContain('event: connected')
    expect(after.state.text).toContain('{"ok":true}')
    expect(after.state.text).toMatch(/transfer-encoding: chunked/i)
    expect(t.app.streamDoor.count).toBe(0)
    // No token: tRPC's own answer, an SSE error event.
    const anonymous = rawClient([streamRequest(null)])
    await expect.poll(() => anonymous.state.text).toContain('event: serialized-error')
    expect(anonymous.state.text).toContain('UNAUTHORIZED')
    // Not HTTP at all: Node's 400.
    const garbage = rawClient(['hello\r\n\r\n'])
    await expect.poll(() => garbage.state.text).toContain('400 Bad Request')
    for (const c of [after, anonymous, garbage]) c.socket.destroy()
  })

  it('waits for a head that arrives in pieces, but not for long', async () => {
    const bob = await t.signUp()
    const split = streamRequest(bob.accessToken)
    const pieces = rawClient([split.slice(0, 20), split.slice(20)])
    await expect.poll(() => pieces.state.text).toContain('event: connected')
    expect(t.app.streamDoor.count).toBe(1)
    pieces.socket.destroy()
    await expect.poll(() => t.app.streamDoor.count).toBe(0)
    // Half a head, then nothing: after a second Node's parser has it, and its timeouts apply.
    const stalled = rawClient([split.slice(0, 40)])
    await new Promise((r) => setTimeout(r, 1500))
    stalled.socket.write(split.slice(40))
    await expect.poll(() => stalled.state.text).toMatch(/transfer-encoding: chunked/i)
    expect(t.app.streamDoor.count).toBe(0)
    stalled.socket.destroy()
  })

  it('opens a burst of streams a few at a time, and all of them', async () => {
    const bob = await t.signUp()
    const burst = Array.from({ length: 40 }, () => rawClient([streamRequest(bob.accessToken)]))
    // One leaves at once, before or while it waits its turn.
    burst[39]!.socket.destroy()
    await expect.poll(() => t.app.streamDoor.count).toBe(39)
    expect(burst.slice(0, 39).every((c) => c.state.text.includes('event: connected'))).toBe(true)
    for (const c of burst) c.socket.destroy()
    await expect.poll(() => t.app.streamDoor.count).toBe(0)
  })

  it('ends its streams at shutdown, and a client that leaves is let go', async () => {
    const bob = await t.signUp()
    const a = rawClient([streamRequest(bob.accessToken)])
    const b = rawClient([streamRequest(bob.accessToken)])
    await expect.poll(() => t.app.streamDoor.count).toBe(2)
    b.socket.end()
    await expect.poll(() => t.app.streamDoor.count).toBe(1)
    t.app.streamDoor.endAll()
    await expect.poll(() => a.state.ended).toBe(true)
    expect(t.app.streamDoor.count).toBe(0)
  })
})
