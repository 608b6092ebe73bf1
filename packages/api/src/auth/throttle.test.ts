import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestApp, post, sha256, type TestApp, type TrpcBody } from '../testing'
import { MAX_FAILURES, pruneThrottle, WINDOW_MS } from './throttle'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

let n = 0
/** TRUST_PROXY is on in tests, so X-Forwarded-For is the client address. */
const freshIp = () => `203.0.113.${++n}`

const attempt = (login: string, password: string, ip: string) =>
  post(t.app, 'auth.login', { login, passwordHash: sha256(password) }, { 'x-forwarded-for': ip })

const fail = async (login: string, ip: string) => {
  const res = await attempt(login, 'not the password', ip)
  expect(res.status).toBe(401)
}

describe('login throttling', () => {
  // Regression: a release deleted failures without the scope lock and deadlocked with a
  // reservation from the same address (a 500 for one of the logins).
  it('parallel logins from one address all get their answer, none a 500', async () => {
    const people = []
    for (let i = 0; i < 8; i++) people.push(await t.signUp())
    const ip = freshIp()
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        people.flatMap((p, i) => [
          attempt(p.login, p.password, ip),
          ...(i % 4 === 0 ? [attempt(p.login, 'wrong', ip)] : []),
        ]),
      )
      // 429 is fair (ten attempts at once from one address is the limit); a 500 never is.
      expect(answers.map((a) => a.status).filter((s) => ![200, 401, 429].includes(s))).toEqual([])
    }
  })

  it('10 failures for one account → TOO_MANY_REQUESTS with Retry-After, even with the right password', async () => {
    expect(MAX_FAILURES).toBe(10)
    expect(WINDOW_MS).toBe(15 * 60 * 1000)
    const a = await t.signUp()
    // Each guess from another address: the account limit holds against a distributed guesser.
    for (let i = 0; i < 10; i++) await fail(a.login, freshIp())
    const res = await attempt(a.login, a.password, freshIp())
    expect(res.status).toBe(429)
    expect(res.body.error?.data.code).toBe('TOO_MANY_REQUESTS')
    const retryAfter = Number(res.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(14 * 60)
    expect(retryAfter).toBeLessThanOrEqual(15 * 60)
    // Other accounts are not affected.
    const b = await t.signUp()
    expect((await attempt(b.login, b.password, freshIp())).status).toBe(200)
  })

  it('counts one account however it is named: login or email, any case', async () => {
    const a = await t.signUp({ login: `Mixed_${Date.now()}` })
    const email = `${a.login}@example.com`
    const names = [a.login.toUpperCase(), a.login.toLowerCase(), email, email.toUpperCase()]
    for (let i = 0; i < 10; i++) await fail(names[i % names.length]!, freshIp())
    expect((await attempt(email, a.password, freshIp())).status).toBe(429)
    expect((await attempt(a.login, a.password, freshIp())).status).toBe(429)
  })

  it('counts names that match no user by name, without regard to case', async () => {
    const ghost = `Ghost_${Date.now()}`
    for (let i = 0; i < 10; i++) {
      await fail(i % 2 === 0 ? ghost.toUpperCase() : ghost.toLowerCase(), freshIp())
    }
    const res = await attempt(ghost, 'anything', freshIp())
    expect(res.status).toBe(429)
  })

  it('9 failures do not throttle, and a success forgets the account’s failures', async () => {
    const a = await t.signUp()
    for (let i = 0; i < 9; i++) await fail(a.login, freshIp())
    expect((await attempt(a.login, a.password, freshIp())).status).toBe(200)
    for (let i = 0; i < 9; i++) await fail(a.login, freshIp())
    expect((await attempt(a.login, a.password, freshIp())).status).toBe(200)
  })

  it('10 failures from one address → TOO_MANY_REQUESTS for any login from it, not from others', async () => {
    const a = await t.signUp()
    const ip = freshIp()
    for (let i = 0; i < 10; i++) await fail(`nobody${i}_${n}`, ip)
    const blocked = await attempt(a.login, a.password, ip)
    expect(blocked.status).toBe(429)
    expect(blocked.body.error?.data.code).toBe('TOO_MANY_REQUESTS')
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await attempt(a.login, a.password, freshIp())).status).toBe(200)
    // nginx appends the address it saw; a client cannot escape by sending an X-Forwarded-For.
    const spoofing = await attempt(a.login, a.password, `${freshIp()}, ${ip}`)
    expect(spoofing.status).toBe(429)
  })

  it('failures leave the window after 15 minutes, and Retry-After follows the oldest one', async () => {
    const a = await t.signUp()
    for (let i = 0; i < 10; i++) await fail(a.login, freshIp())
    const scope = `user:${a.user.id}`
    // Age the failures: the oldest 14 minutes ago, so the block lifts in about a minute.
    await t.db
      .updateTable('login_failures')
      .set({ created_at: new Date(Date.now() - 14 * 60 * 1000) })
      .where('scope', '=', scope)
      .execute()
    const res = await attempt(a.login, a.password, freshIp())
    expect(res.status).toBe(429)
    const retryAfter = Number(res.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(30)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(res.body.error?.message).toMatch(/1 minute/)
    await t.db
      .updateTable('login_failures')
      .set({ created_at: new Date(Date.now() - WINDOW_MS - 1000) })
      .where('scope', '=', scope)
      .execute()
    expect((await attempt(a.login, a.password, freshIp())).status).toBe(200)
  })

  it('prunes failures past the window and scopes left without one; recent ones keep counting', async () => {
    const old = await t.signUp()
    const recent = await t.signUp()
    const oldIp = freshIp()
    for (let i = 0; i < 3; i++) await fail(old.login, oldIp)
    for (let i = 0; i < 10; i++) await fail(recent.login, freshIp())
    await t.db
      .updateTable('login_failures')
      .set({ created_at: new Date(Date.now() - WINDOW_MS - 1000) })
      .where('scope', 'in', [`user:${old.user.id}`, `ip:${oldIp}`])
      .execute()
    const pruned = await pruneThrottle(t.db)
    expect(pruned.failures).toBeGreaterThanOrEqual(6)
    const scopes = await t.db
      .selectFrom('login_throttle_scopes')
      .select('scope')
      .where('scope', 'in', [`user:${old.user.id}`, `ip:${oldIp}`, `user:${recent.user.id}`])
      .execute()
    expect(scopes.map((r) => r.scope)).toEqual([`user:${recent.user.id}`])
    // The recent account is still blocked; the pruned one signs in.
    expect((await attempt(recent.login, recent.password, freshIp())).status).toBe(429)
    expect((await attempt(old.login, old.password, oldIp)).status).toBe(200)
  })

  it('counts exactly ten of many parallel guesses while the pruning removes scope rows under them', async () => {
    const a = await t.signUp()
    const pruning = { on: true }
    const pruner = (async () => {
      while (pruning.on) await pruneThrottle(t.db)
    })()
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => attempt(a.login, 'not the password', freshIp())),
    )
    pruning.on = false
    await pruner
    const statuses = answers.map((r) => r.status).sort()
    expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_FAILURES)
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - MAX_FAILURES)
  })

  it('ignores X-Forwarded-For unless TRUST_PROXY is on', async () => {
    const direct = await createTestApp({ TRUST_PROXY: 'false' })
    try {
      const a = await direct.signUp()
      // Every attempt claims another address, but without a trusted proxy they are one client.
      for (let i = 0; i < 10; i++) {
        const res = await post(
          direct.app,
          'auth.login',
          { login: `ghost${i}`, passwordHash: sha256('x') },
          { 'x-forwarded-for': freshIp() },
        )
        expect(res.status).toBe(401)
      }
      const res = await post(
        direct.app,
        'auth.login',
        { login: a.login, passwordHash: sha256(a.password) },
        { 'x-forwarded-for': freshIp() },
      )
      expect(res.status).toBe(429)
    } finally {
      await direct.close()
    }
  })
})

/** A tRPC batch as httpBatchLink sends it: paths joined by commas, inputs keyed by index. */
const batch = async (
  procedures: string[],
  inputs: unknown[],
  headers: Record<string, string> = {},
  method: 'GET' | 'POST' = 'POST',
) => {
  const input = JSON.stringify(Object.fromEntries(inputs.map((value, i) => [i, value])))
  const path = `/trpc/${procedures.join(',')}?batch=1`
  const res = await t.app.request(
    method === 'GET' ? `${path}&input=${encodeURIComponent(input)}` : path,
    method === 'GET'
      ? { headers }
      : { method, headers: { 'content-type': 'application/json', ...headers }, body: input },
  )
  const body = (await res.json()) as TrpcBody | TrpcBody[]
  return { status: res.status, errors: (Array.isArray(body) ? body : [body]).map((b) => b.error) }
}

const loginInput = (login: string, password: string) => ({ login, passwordHash: sha256(password) })

describe('batching cannot multiply guesses', () => {
  it('a batch of 1,000 login guesses is refused at once: none is evaluated, the right one does not sign in', async () => {
    const a = await t.signUp()
    const guesses = Array.from({ length: 1000 }, (_, i) =>
      loginInput(a.login, i === 999 ? a.password : `guess ${i}`),
    )
    const before = t.hashRuns()
    const res = await batch(
      guesses.map(() => 'auth.login'),
      guesses,
      { 'x-forwarded-for': freshIp() },
    )
    expect(res.status).toBe(400)
    expect(res.errors[0]?.data.code).toBe('BAD_REQUEST')
    expect(res.errors[0]?.message).toMatch(/batch/i)
    expect(t.hashRuns() - before).toBe(0)
    const sessions = await t.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', a.user.id)
      .execute()
    expect(sessions).toHaveLength(1) // the one from signUp
  })

  it('a batch of 1,000 registrations is refused at once, with no hash run and nobody registered', async () => {
    const inputs = Array.from({ length: 1000 }, (_, i) => ({
      login: `bulk${i}_${n}`,
      email: `bulk${i}_${n}@example.com`,
      firstName: 'Bulk',
      lastName: 'Bulk',
      passwordHash: sha256('pw'),
    }))
    const before = t.hashRuns()
    const res = await batch(
      inputs.map(() => 'auth.register'),
      inputs,
    )
    expect(res.status).toBe(400)
    expect(t.hashRuns() - before).toBe(0)
    const made = await t.db
      .selectFrom('users')
      .select('id')
      .where('first_name', '=', 'Bulk')
      .execute()
    expect(made).toHaveLength(0)
  })

  it('a password procedure in a batch of more than one call is refused, even a small batch', async () => {
    const a = await t.signUp()
    const ip = freshIp()
    const before = t.hashRuns()
    const logins = await batch(
      ['auth.login', 'auth.login'],
      [loginInput(a.login, 'wrong'), loginInput(a.login, a.password)],
      { 'x-forwarded-for': ip },
    )
    expect(logins.status).toBe(400)
    expect(logins.errors.map((e) => e?.data.code)).toEqual(['BAD_REQUEST', 'BAD_REQUEST'])
    expect(logins.errors[0]?.message).toMatch(/auth\.login.*alone/)
    const mixed = await batch(
      ['users.updateProfile', 'auth.register'],
      [
        { firstName: 'Mixed' },
        {
          login: `mixed_${n}`,
          email: `mixed_${n}@example.com`,
          firstName: 'Mixed',
          lastName: 'Batch',
          passwordHash: sha256('pw'),
        },
      ],
      bearer(a.accessToken),
    )
    // The other call of the batch is answered as usual.
    expect(mixed.errors[0]).toBeUndefined()
    expect(mixed.errors[1]?.data.code).toBe('BAD_REQUEST')
    expect(t.hashRuns() - before).toBe(0)
  })

  it('a single call sent as a batch of one (httpBatchLink) still signs in', async () => {
    const a = await t.signUp()
    const res = await batch(['auth.login'], [loginInput(a.login, a.password)], {
      'x-forwarded-for': freshIp(),
    })
    expect(res.status).toBe(200)
    expect(res.errors).toEqual([undefined])
  })

  it('batches hold at most 10 calls', async () => {
    const a = await t.signUp()
    const ten = await batch(
      Array.from({ length: 10 }, () => 'users.me'),
      [],
      bearer(a.accessToken),
      'GET',
    )
    expect(ten.status).toBe(200)
    const eleven = await batch(
      Array.from({ length: 11 }, () => 'users.me'),
      [],
      bearer(a.accessToken),
      'GET',
    )
    expect(eleven.status).toBe(400)
    expect(eleven.errors[0]?.data.code).toBe('BAD_REQUEST')
  })
})

describe('parallel guesses cannot race the counter', () => {
  it('50 wrong guesses at once for one account: 10 are evaluated, 40 get 429 with Retry-After', async () => {
    const a = await t.signUp()
    const before = t.hashRuns()
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => attempt(a.login, 'a wrong guess', freshIp())),
    )
    expect(t.hashRuns() - before).toBe(10)
    expect(answers.filter((r) => r.status === 401)).toHaveLength(10)
    const refused = answers.filter((r) => r.status === 429)
    expect(refused).toHaveLength(40)
    for (const r of refused) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(14 * 60)
    expect((await attempt(a.login, a.password, freshIp())).status).toBe(429)
  })

  it('50 guesses at once from one address: 10 are evaluated, the rest get 429', async () => {
    const ip = freshIp()
    const before = t.hashRuns()
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => attempt(`nobody_${i}_${n}`, 'guess', ip)),
    )
    expect(t.hashRuns() - before).toBe(10)
    expect(answers.filter((r) => r.status === 401)).toHaveLength(10)
    expect(answers.filter((r) => r.status === 429)).toHaveLength(40)
  })

  it('a successful login does not count against its address', async () => {
    const a = await t.signUp()
    const ip = freshIp()
    for (let i = 0; i < 9; i++) await fail(`stranger_${i}_${n}`, ip)
    for (let i = 0; i < 3; i++) expect((await attempt(a.login, a.password, ip)).status).toBe(200)
    await fail(`stranger_last_${n}`, ip)
    expect((await attempt(a.login, a.password, ip)).status).toBe(429)
  })
})
