import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { directCallCount } from './direct-calls'
import { serveApp } from './serve'
import { sha256, createTestApp, type TestApp } from './testing'

let t: TestApp
let url: string
let close: () => Promise<void>
beforeAll(async () => {
  t = await createTestApp({ MAX_REQUEST_BYTES: '4096' })
  const { server, port } = await serveApp(t.app, { port: 0, hostname: '127.0.0.1' })
  url = `http://127.0.0.1:${port}`
  close = () => new Promise((resolve) => server.close(() => resolve()))
})
afterAll(async () => {
  await close()
  await t.close()
})

interface Call {
  method: 'GET' | 'POST'
  /** Path and query under /trpc/. */
  target: string
  headers?: Record<string, string>
  body?: string
}

/** Headers a client or proxy acts on; the date and the request id differ between two answers. */
const COMPARED = [
  'content-type',
  'cache-control',
  'vary',
  'retry-after',
  'allow',
  'content-security-policy',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
  'permissions-policy',
]

const answer = async (res: Response) => ({
  status: res.status,
  headers: Object.fromEntries(COMPARED.map((h) => [h, res.headers.get(h)])),
  hasRequestId: res.headers.get('x-request-id') !== null,
  // A 500 names its request, which differs from one answer to the other.
  body: (await res.text()).replace(/\(request [0-9a-f-]+\)/, '(request …)'),
})

/** The same call over a real socket (answered directly) and through tRPC's fetch adapter. */
const both = async (call: Call) => {
  const init = {
    method: call.method,
    headers: {
      ...(call.body !== undefined && { 'content-type': 'application/json' }),
      ...call.headers,
    },
    ...(call.body !== undefined && { body: call.body }),
  }
  const before = directCallCount.value
  const direct = await answer(await fetch(`${url}/trpc/${call.target}`, init))
  const direct_ = directCallCount.value - before
  // app.request has no Node request: tRPC's own handler answers.
  const adapter = await answer(await t.app.request(`/trpc/${call.target}`, init))
  return { direct, adapter, answeredDirectly: direct_ === 1 }
}

const json = (v: unknown) => JSON.stringify(v)

describe('single calls answered from Node’s request', () => {
  it('answer exactly as tRPC’s fetch adapter does: results, every kind of error, headers', async () => {
    const a = await t.signUp({ firstName: 'Directa' })
    const auth = { authorization: `Bearer ${a.accessToken}` }
    const chat = await a.caller.chats.createGroup({ title: 'Direct', memberIds: [] })
    const calls: Call[] = [
      {
        method: 'GET',
        target: `users.search?input=${encodeURIComponent(json({ query: 'direct' }))}`,
        headers: auth,
      },
      { method: 'GET', target: 'users.me', headers: auth },
      { method: 'GET', target: 'users.me' },
      { method: 'GET', target: 'users.me', headers: { authorization: 'Bearer not-a-token' } },
      { method: 'GET', target: 'users.search?input=%7Bnot-json', headers: auth },
      {
        method: 'GET',
        target: `users.search?input=${encodeURIComponent(json({ query: 'x', limit: 500 }))}`,
        headers: auth,
      },
      { method: 'GET', target: 'chats.list', headers: auth },
      {
        method: 'GET',
        target: `messages.list?input=${encodeURIComponent(json({ chatId: chat.id }))}`,
        headers: auth,
      },
      { method: 'POST', target: 'auth.login', body: '{"login": ' },
      { method: 'POST', target: 'auth.register', body: '' },
      { method: 'POST', target: 'auth.register', body: json({ login: 'x', email: 'nope' }) },
      {
        method: 'POST',
        target: 'auth.login',
        body: json({ login: a.login, passwordHash: sha256('wrong') }),
      },
      {
        method: 'POST',
        target: 'messages.send',
        headers: auth,
        body: json({
          chatId: '00000000-0000-7000-8000-000000000000',
          clientId: '00000000-0000-4000-8000-000000000001',
          text: 'hi',
        }),
      },
      { method: 'POST', target: 'messages.send', body: json({ chatId: chat.id, text: 'hi' }) },
      { method: 'POST', target: 'chats.markRead', headers: auth, body: json({ chatId: chat.id }) },
      {
        method: 'POST',
        target: 'users.updateProfile',
        headers: auth,
        body: json({ firstName: 'Directa' }),
      },
    ]
    for (const call of calls) {
      const { direct, adapter, answeredDirectly } = await both(call)
      expect({ call, ...direct }).toEqual({ call, ...adapter })
      expect({ call, answeredDirectly }).toEqual({ call, answeredDirectly: true })
      expect(direct.hasRequestId).toBe(true)
    }
  })

  it('a body over MAX_REQUEST_BYTES is refused unread with the same 413', async () => {
    const { direct, adapter } = await both({
      method: 'POST',
      target: 'auth.register',
      body: json({ login: 'x'.repeat(5000) }),
    })
    expect(direct.status).toBe(413)
    expect(direct).toEqual(adapter)
  })

  it('leaves batches, subscriptions, wrong methods, unknown paths and other bodies to tRPC', async () => {
    const a = await t.signUp()
    const auth = { authorization: `Bearer ${a.accessToken}` }
    const others: Call[] = [
      { method: 'GET', target: 'users.me,chats.list?batch=1&input=%7B%7D', headers: auth },
      { method: 'GET', target: 'auth.login' },
      { method: 'POST', target: 'users.me', headers: auth, body: '' },
      { method: 'POST', target: 'auth.nothing', body: '{}' },
      { method: 'GET', target: 'users.%ZZ', headers: auth },
      {
        method: 'POST',
        target: 'auth.login',
        headers: { 'content-type': 'text/plain' },
        body: '{}',
      },
    ]
    for (const call of others) {
      const { direct, adapter, answeredDirectly } = await both(call)
      expect({ call, answeredDirectly }).toEqual({ call, answeredDirectly: false })
      expect(direct.status).toBeGreaterThanOrEqual(200)
      expect({ call, ...direct }).toEqual({ call, ...adapter })
    }
  })

  it('frees the slot of a mutation whose client left while it waited for one', async () => {
    const busy = await createTestApp({
      REQUEST_CONCURRENCY: '1',
      REQUEST_QUEUE_TIMEOUT_MS: '60000',
    })
    const { server, port } = await serveApp(busy.app, { port: 0, hostname: '127.0.0.1' })
    try {
      const ann = await busy.signUp()
      const release = await busy.deps.admission.enter()
      // A whole mutation, queued behind the held slot; then its client gives up.
      const body = JSON.stringify({ firstName: 'Ann' })
      const socket = connect(port, '127.0.0.1')
      socket.write(
        `POST /trpc/users.updateProfile HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ann.accessToken}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      )
      await expect.poll(() => busy.deps.admission.queued).toBe(1)
      socket.destroy()
      await new Promise((r) => setTimeout(r, 100))
      release()
      await expect.poll(() => busy.deps.admission.running).toBe(0)
      const next = await fetch(`http://127.0.0.1:${port}/trpc/users.me`, {
        headers: { authorization: `Bearer ${ann.accessToken}` },
      })
      expect(next.status).toBe(200)
    } finally {
      await new Promise((resolve) => server.close(resolve))
      await busy.close()
    }
  })

  it('a full queue answers a fast 503 with Retry-After, like the adapter', async () => {
    const busy = await createTestApp({ REQUEST_CONCURRENCY: '1', REQUEST_QUEUE_LIMIT: '0' })
    const { server, port } = await serveApp(busy.app, { port: 0, hostname: '127.0.0.1' })
    try {
      const release = await busy.deps.admission.enter()
      const direct = await answer(await fetch(`http://127.0.0.1:${port}/trpc/users.me`))
      const adapter = await answer(await busy.app.request('/trpc/users.me'))
      release()
      expect(direct.status).toBe(503)
      expect(direct.headers['retry-after']).toBe('1')
      expect(direct).toEqual(adapter)
    } finally {
      await new Promise((resolve) => server.close(resolve))
      await busy.close()
    }
  })
})
