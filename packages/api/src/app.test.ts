import { createDb } from '@messenger/db'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from './app'
import { bearer, createTestApp, get, post, sha256, type TestApp, type TrpcBody } from './testing'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

/** A pino logger whose lines land in an array, to check what the server logs. */
const capturingLogger = () => {
  const lines: Record<string, unknown>[] = []
  const log = pino(
    { level: 'info', base: undefined },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  )
  return { log, lines }
}

describe('wire format, as curl sends it', () => {
  it('a plain JSON POST runs a mutation and answers {"result":{"data":...}}', async () => {
    const login = `wire_${Date.now()}`
    const res = await t.app.request('/trpc/auth.register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        login,
        email: `${login}@example.com`,
        firstName: 'Grace',
        lastName: 'Hopper',
        passwordHash: sha256('pw'),
      }),
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/application\/json/)
    const body = (await res.json()) as { result: { data: { user: { login: string } } } }
    expect(body.result.data.user.login).toBe(login)
  })

  it('a GET with ?input= runs a query; authenticated by the Bearer header', async () => {
    const a = await t.signUp({ firstName: 'Wilhelmina' })
    const input = encodeURIComponent(JSON.stringify({ query: 'wilhel' }))
    const res = await t.app.request(`/trpc/users.search?input=${input}`, {
      headers: { authorization: `Bearer ${a.accessToken}` },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as TrpcBody
    expect(body.result?.data).toEqual({
      items: [
        { id: a.user.id, login: a.login, firstName: 'Wilhelmina', lastName: a.user.lastName },
      ],
    })
    const noInput = await get(t.app, 'auth.sessions', undefined, bearer(a.accessToken))
    expect(noInput.status).toBe(200)
  })

  it('errors answer {"error":{"message","data":{"code","httpStatus"}}} with no stack', async () => {
    const res = await post(t.app, 'auth.login', { login: 'x', passwordHash: 'nope' })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({
      message: expect.stringMatching(/^passwordHash:/) as unknown,
      data: { code: 'BAD_REQUEST', httpStatus: 400 },
    })
    expect(JSON.stringify(res.body)).not.toMatch(/stack|node_modules|\.ts:/)
  })

  it('malformed requests are 4xx, never 500', async () => {
    const broken = await t.app.request('/trpc/auth.login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"login": ',
    })
    expect(broken.status).toBe(400)
    const a = await t.signUp()
    const badInput = await t.app.request('/trpc/users.search?input=%7Bnot-json', {
      headers: bearer(a.accessToken),
    })
    expect(badInput.status).toBe(400)
    const wrongMethod = await t.app.request('/trpc/auth.login')
    expect(wrongMethod.status).toBeGreaterThanOrEqual(400)
    expect(wrongMethod.status).toBeLessThan(500)
    const unknown = await post(t.app, 'auth.nothing', {})
    expect(unknown.status).toBe(404)
    expect(unknown.body.error?.data.code).toBe('NOT_FOUND')
    const noBody = await post(t.app, 'auth.register', undefined)
    expect(noBody.status).toBe(400)
  })
})

describe('security headers', () => {
  const expectLockedDown = (headers: Headers) => {
    expect(headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    )
    expect(headers.get('x-frame-options')).toBe('DENY')
    expect(headers.get('x-content-type-options')).toBe('nosniff')
    expect(headers.get('referrer-policy')).toBe('no-referrer')
  }

  it('tRPC answers, successes and errors, are never cached and may load or be framed by nothing', async () => {
    const a = await t.signUp()
    const ok = await get(t.app, 'users.me', undefined, bearer(a.accessToken))
    const denied = await get(t.app, 'users.me', undefined)
    const invalid = await post(t.app, 'auth.login', { login: 'x', passwordHash: 'nope' })
    expect([ok.status, denied.status, invalid.status]).toEqual([200, 401, 400])
    for (const res of [ok, denied, invalid]) {
      expect(res.headers.get('cache-control')).toBe('no-store')
      expectLockedDown(res.headers)
    }
  })

  it('health checks and unknown API paths carry the same', async () => {
    for (const path of ['/healthz', '/readyz', '/trpc/nope', '/api/nope']) {
      expectLockedDown((await t.app.request(path)).headers)
    }
  })

  it('the web app keeps its own policy through the whole app', async () => {
    const res = await t.app.request('/')
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(res.headers.get('x-frame-options')).toBe('DENY')
  })
})

describe('health', () => {
  it('/healthz answers while the process is alive', async () => {
    const res = await t.app.request('/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })

  it('/readyz answers 200 with the database, 503 without it, and reports search apart', async () => {
    const ready = await t.app.request('/readyz')
    expect(ready.status).toBe(200)
    const report = (await ready.json()) as { search?: { lag?: unknown } }
    const lag = report.search?.lag
    expect(typeof lag).toBe('number')
    expect(report).toEqual({
      ok: true,
      database: { ok: true },
      search: { ok: true, backend: 'mysql', lag },
    })
    // Nothing listens on port 1: the same app over an unreachable database.
    const deadDb = createDb('mysql://root@127.0.0.1:1/nowhere')
    try {
      const res = await createApp({ ...t.deps, db: deadDb }).request('/readyz')
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({ ok: false })
    } finally {
      await deadDb.destroy()
    }
  })
})

describe('unexpected errors', () => {
  it('answer 500 with the request id and no internals, and are logged once with that id', async () => {
    const { log, lines } = capturingLogger()
    const failing = createApp({
      ...t.deps,
      log,
      hashPassword: () => Promise.reject(new Error('argon2 exploded at /srv/secret/path.ts:42')),
    })
    const res = await post(failing, 'auth.login', { login: 'someone', passwordHash: sha256('x') })
    expect(res.status).toBe(500)
    expect(res.body.error?.data.code).toBe('INTERNAL_SERVER_ERROR')
    const requestId = res.headers.get('x-request-id')
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(res.body.error?.message).toContain(requestId)
    const text = JSON.stringify(res.body)
    expect(text).not.toMatch(/argon2|exploded|secret|path\.ts|stack/)

    const errors = lines.filter((l) => l.level === 50)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ requestId, path: 'auth.login' })
    expect(JSON.stringify(errors[0])).toContain('argon2 exploded')
  })

  it('a failure while authenticating is a 500 with the request id too', async () => {
    const a = await t.signUp()
    const { log, lines } = capturingLogger()
    const deadDb = createDb('mysql://root@127.0.0.1:1/nowhere')
    try {
      const res = await get(
        createApp({ ...t.deps, db: deadDb, log }),
        'users.me',
        undefined,
        bearer(a.accessToken),
      )
      expect(res.status).toBe(500)
      const requestId = res.headers.get('x-request-id')!
      expect(res.body.error?.message).toContain(requestId)
      expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/)
      const errors = lines.filter((l) => l.level === 50)
      expect(errors).toHaveLength(1)
      // The log keeps what the answer hides.
      expect(errors[0]).toMatchObject({ requestId, path: 'users.me' })
      expect(JSON.stringify(errors[0])).toMatch(/ECONNREFUSED/)
    } finally {
      await deadDb.destroy()
    }
  })
})

describe('request log', () => {
  it('writes one line per request with the request id, procedure, status and duration', async () => {
    const { log, lines } = capturingLogger()
    const app = createApp({ ...t.deps, log })
    const res = await post(app, 'auth.login', { login: 'ghost', passwordHash: sha256('x') })
    expect(res.status).toBe(401)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({
      requestId: res.headers.get('x-request-id'),
      path: '/trpc/auth.login',
      status: 401,
    })
    expect(typeof lines[0]?.ms).toBe('number')
  })
})
