import { createHash, randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createContextInner } from '../context'
import { appRouter } from '../root'
import { bearer, createTestApp, get, post, sha256, type TestApp } from '../testing'
import { createCallerFactory } from '../trpc'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

let seq = 0
const fresh = () => `u${++seq}_${randomBytes(3).toString('hex')}`
/** A client address of its own, so failures in one test never throttle another. */
const freshIp = () => `198.51.100.${++seq % 250}`

const registerInput = (login = fresh(), password = 'correct horse') => ({
  login,
  email: `${login}@example.com`,
  firstName: 'Ada',
  lastName: 'Lovelace',
  passwordHash: sha256(password),
})

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
    sub: string
    sid: string
    iat: number
    exp: number
    iss: string
    aud: string
  }

const login = (loginName: string, password: string, ip = freshIp(), userAgent = 'vitest') =>
  post(
    t.app,
    'auth.login',
    { login: loginName, passwordHash: sha256(password) },
    { 'x-forwarded-for': ip, 'user-agent': userAgent },
  )

const refresh = (refreshToken: string) => post(t.app, 'auth.refresh', { refreshToken })

const me = (accessToken: string) => get(t.app, 'users.me', undefined, bearer(accessToken))

describe('auth.register', () => {
  it('creates a user and answers it without any password material', async () => {
    const input = registerInput()
    const res = await post(t.app, 'auth.register', input)
    expect(res.status).toBe(200)
    const data = res.body.result?.data as { user: Record<string, unknown> }
    expect(Object.keys(data.user).sort()).toEqual(
      ['createdAt', 'email', 'firstName', 'id', 'lastName', 'login'].sort(),
    )
    expect(data.user).toMatchObject({
      login: input.login,
      email: input.email,
      firstName: 'Ada',
      lastName: 'Lovelace',
    })
    expect(new Date(data.user.createdAt as string).toISOString()).toBe(data.user.createdAt)
  })

  it('refuses a login taken in another case with CONFLICT naming the login', async () => {
    const base = fresh()
    await t.callerFor(null).auth.register(registerInput(base.toLowerCase()))
    const res = await post(t.app, 'auth.register', {
      ...registerInput(base.toUpperCase()),
      email: `other-${base}@example.com`,
    })
    expect(res.status).toBe(409)
    expect(res.body.error?.data.code).toBe('CONFLICT')
    expect(res.body.error?.message).toMatch(/login/i)
  })

  it('refuses an email taken in another case with CONFLICT naming the email', async () => {
    const first = registerInput()
    await t.callerFor(null).auth.register(first)
    const res = await post(t.app, 'auth.register', {
      ...registerInput(),
      email: first.email.toUpperCase(),
    })
    expect(res.status).toBe(409)
    expect(res.body.error?.data.code).toBe('CONFLICT')
    expect(res.body.error?.message).toMatch(/email/i)
    expect(res.body.error?.message).not.toMatch(/login/i)
  })

  const invalid: [string, string, Record<string, unknown>][] = [
    ['login', 'too short', { login: 'ab' }],
    ['login', 'too long', { login: 'a'.repeat(33) }],
    ['login', 'with a space', { login: 'two words' }],
    ['login', 'with a non-ASCII letter', { login: 'jürgen' }],
    ['login', 'missing', { login: undefined }],
    ['passwordHash', 'in upper case', { passwordHash: sha256('x').toUpperCase() }],
    ['passwordHash', 'too short', { passwordHash: 'abc123' }],
    ['passwordHash', 'the plain password', { passwordHash: 'correct horse battery staple' }],
    ['email', 'without @', { email: 'nobody.example.com' }],
    ['email', 'too long', { email: `${'a'.repeat(250)}@example.com` }],
    ['firstName', 'blank', { firstName: '   ' }],
    ['firstName', 'too long', { firstName: 'x'.repeat(65) }],
    ['lastName', 'empty', { lastName: '' }],
    ['lastName', 'not a string', { lastName: 42 }],
  ]
  it.each(invalid)('400 naming %s when it is %s', async (field, _why, patch) => {
    const res = await post(t.app, 'auth.register', { ...registerInput(), ...patch })
    expect(res.status).toBe(400)
    expect(res.body.error?.data.code).toBe('BAD_REQUEST')
    expect(res.body.error?.message.startsWith(`${field}:`)).toBe(true)
    expect(Object.keys(res.body.error?.data.fieldErrors ?? {})).toEqual([field])
    // The client translates by kind, not by the English message.
    const issues = (res.body.error?.data as { issues?: { path: string; code: string }[] }).issues
    expect(issues?.map((i) => i.path)).toEqual([field])
    expect(issues?.[0]?.code).toMatch(/^[a-z_]+$/)
  })

  it('stores nothing for a rejected registration', async () => {
    const input = registerInput()
    await post(t.app, 'auth.register', { ...input, email: 'broken' })
    const rows = await t.db
      .selectFrom('users')
      .select('id')
      .where('login', '=', input.login)
      .execute()
    expect(rows).toEqual([])
  })
})

describe('auth.login', () => {
  it('accepts the login or the email, in any case', async () => {
    const input = registerInput()
    const { user } = await t.callerFor(null).auth.register(input)
    for (const name of [
      input.login,
      input.email,
      input.login.toUpperCase(),
      input.email.toUpperCase(),
    ]) {
      const res = await login(name, 'correct horse')
      expect(res.status).toBe(200)
      expect(res.body.result?.data).toMatchObject({ user: { id: user.id, email: input.email } })
    }
  })

  it('answers an unknown user and a wrong password with the same UNAUTHORIZED', async () => {
    const input = registerInput()
    await t.callerFor(null).auth.register(input)
    const wrongPassword = await login(input.login, 'wrong horse')
    const unknownUser = await login(fresh(), 'correct horse')
    const unknownEmail = await login(`${fresh()}@example.com`, 'correct horse')
    for (const res of [wrongPassword, unknownUser, unknownEmail]) {
      expect(res.status).toBe(401)
      expect(res.body.error?.data.code).toBe('UNAUTHORIZED')
      expect(res.body.error?.message).toBe(wrongPassword.body.error?.message)
    }
  })

  it('400 naming the field for an empty login or a malformed passwordHash', async () => {
    const empty = await post(t.app, 'auth.login', { login: ' ', passwordHash: sha256('x') })
    expect(empty.status).toBe(400)
    expect(empty.body.error?.message).toMatch(/^login:/)
    const bad = await post(t.app, 'auth.login', { login: 'someone', passwordHash: 'secret' })
    expect(bad.status).toBe(400)
    expect(bad.body.error?.message).toMatch(/^passwordHash:/)
  })

  it('runs the slow hash for unknown logins too, so timing does not reveal which exist', async () => {
    const input = registerInput()
    await t.callerFor(null).auth.register(input)
    let calls = 0
    const counting = {
      ...t.deps,
      hashPassword: (a: string) => {
        calls++
        return t.deps.hashPassword(a)
      },
    }
    const caller = createCallerFactory(appRouter)(
      createContextInner(counting, null, { clientIp: freshIp() }),
    )
    const attempts: [string, string][] = [
      [input.login, 'correct horse'],
      [input.login, 'wrong horse'],
      [fresh(), 'correct horse'],
    ]
    const perAttempt: number[] = []
    for (const [name, password] of attempts) {
      const before = calls
      await caller.auth.login({ login: name, passwordHash: sha256(password) }).catch(() => null)
      perAttempt.push(calls - before)
    }
    expect(perAttempt).toEqual([1, 1, 1])
  })

  it('issues a 15-minute HS256 access token and a 30-day refresh token', async () => {
    const input = registerInput()
    const { user } = await t.callerFor(null).auth.register(input)
    const started = Date.now()
    const res = await login(input.login, 'correct horse')
    const data = res.body.result?.data as {
      accessToken: string
      refreshToken: string
      accessTokenExpiresAt: string
      refreshTokenExpiresAt: string
    }
    const header = JSON.parse(
      Buffer.from(data.accessToken.split('.')[0]!, 'base64url').toString(),
    ) as { alg: string }
    expect(header.alg).toBe('HS256')
    const claims = claimsOf(data.accessToken)
    expect(claims.sub).toBe(user.id)
    expect(claims.exp - claims.iat).toBe(15 * 60)
    expect(new Date(data.accessTokenExpiresAt).getTime()).toBe(claims.exp * 1000)
    const refreshMs = new Date(data.refreshTokenExpiresAt).getTime() - started
    expect(Math.abs(refreshMs - 30 * 24 * 3600 * 1000)).toBeLessThan(60_000)
    // 256 random bits, kept in the database only as a hash.
    expect(Buffer.from(data.refreshToken, 'base64url')).toHaveLength(32)
    const stored = await t.db
      .selectFrom('refresh_tokens')
      .select(['token_hash', 'expires_at'])
      .where('session_id', '=', claims.sid)
      .execute()
    expect(stored).toHaveLength(1)
    expect(stored[0]!.token_hash).toBe(createHash('sha256').update(data.refreshToken).digest('hex'))
    expect(stored[0]!.expires_at.getTime()).toBe(new Date(data.refreshTokenExpiresAt).getTime())
  })
})

describe('auth.refresh', () => {
  const signedIn = async () => {
    const input = registerInput()
    await t.callerFor(null).auth.register(input)
    const res = await login(input.login, 'correct horse')
    return res.body.result?.data as { accessToken: string; refreshToken: string }
  }

  it('rotates: a new pair for the same session, each refresh token working once', async () => {
    const first = await signedIn()
    const second = await refresh(first.refreshToken)
    expect(second.status).toBe(200)
    const pair = second.body.result?.data as { accessToken: string; refreshToken: string }
    expect(pair.refreshToken).not.toBe(first.refreshToken)
    expect(claimsOf(pair.accessToken).sid).toBe(claimsOf(first.accessToken).sid)
    expect((await me(pair.accessToken)).status).toBe(200)
    const third = await refresh(pair.refreshToken)
    expect(third.status).toBe(200)
  })

  it('ends the whole session when a used refresh token is presented again', async () => {
    const first = await signedIn()
    const rotated = (await refresh(first.refreshToken)).body.result?.data as {
      accessToken: string
      refreshToken: string
    }
    const reuse = await refresh(first.refreshToken)
    expect(reuse.status).toBe(401)
    expect(reuse.body.error?.data.code).toBe('UNAUTHORIZED')
    expect(reuse.body.error?.message).toMatch(/already used/)
    // The attacker's and the victim's tokens of that session are all dead now.
    expect((await me(rotated.accessToken)).status).toBe(401)
    expect((await me(first.accessToken)).status).toBe(401)
    expect((await refresh(rotated.refreshToken)).status).toBe(401)
  })

  it('two concurrent refreshes with one token: exactly one succeeds, every time', async () => {
    for (let round = 0; round < 5; round++) {
      const pair = await signedIn()
      const caller = t.callerFor(null)
      const results = await Promise.allSettled([
        caller.auth.refresh({ refreshToken: pair.refreshToken }),
        caller.auth.refresh({ refreshToken: pair.refreshToken }),
      ])
      const won = results.filter((r) => r.status === 'fulfilled')
      const lost = results.filter((r) => r.status === 'rejected')
      expect(won).toHaveLength(1)
      expect(lost).toHaveLength(1)
      expect(lost[0]!.reason).toMatchObject({ code: 'UNAUTHORIZED' })
      // The second presentation is a reuse like any other, so the session ends (RFC 9700
      // §4.14.2): clients must not refresh twice at once.
      const winner = won[0]!.value
      expect((await me(winner.accessToken)).status).toBe(401)
      expect((await refresh(winner.refreshToken)).status).toBe(401)
      const active = await t.db
        .selectFrom('sessions')
        .select('id')
        .where('id', '=', claimsOf(pair.accessToken).sid)
        .where('revoked_at', 'is', null)
        .execute()
      expect(active).toEqual([])
    }
  })

  it('refuses an unknown, an expired and a malformed refresh token', async () => {
    expect((await refresh(randomBytes(32).toString('base64url'))).status).toBe(401)
    const pair = await signedIn()
    await t.db
      .updateTable('refresh_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('session_id', '=', claimsOf(pair.accessToken).sid)
      .execute()
    const expired = await refresh(pair.refreshToken)
    expect(expired.status).toBe(401)
    expect(expired.body.error?.data.code).toBe('UNAUTHORIZED')
    const empty = await refresh('')
    expect(empty.status).toBe(400)
    expect(empty.body.error?.message).toMatch(/^refreshToken:/)
  })
})

describe('sessions', () => {
  it('logout ends the current session: its access and refresh tokens stop working', async () => {
    const a = await t.signUp()
    const other = await login(a.login, a.password)
    const otherPair = other.body.result?.data as { accessToken: string }
    const res = await post(t.app, 'auth.logout', undefined, bearer(a.accessToken))
    expect(res.status).toBe(200)
    expect(res.body.result?.data).toEqual({ ok: true })
    expect((await me(a.accessToken)).status).toBe(401)
    expect((await refresh(a.refreshToken)).status).toBe(401)
    // Only that session: the other device stays signed in.
    expect((await me(otherPair.accessToken)).status).toBe(200)
    expect((await post(t.app, 'auth.logout', undefined)).status).toBe(401)
  })

  it('lists the caller’s active sessions, marking the current one', async () => {
    const a = await t.signUp()
    const phoneIp = freshIp()
    const phone = (await login(a.login, a.password, phoneIp, 'Phone/1.0')).body.result?.data as {
      accessToken: string
    }
    const res = await get(t.app, 'auth.sessions', undefined, bearer(phone.accessToken))
    expect(res.status).toBe(200)
    const items = (res.body.result?.data as { items: Record<string, unknown>[] }).items
    expect(items).toHaveLength(2)
    const current = items.filter((s) => s.current === true)
    expect(current).toEqual([
      expect.objectContaining({
        id: claimsOf(phone.accessToken).sid,
        userAgent: 'Phone/1.0',
        address: phoneIp,
      }),
    ])
    for (const s of items) {
      expect(Object.keys(s).sort()).toEqual(
        ['address', 'createdAt', 'current', 'id', 'lastUsedAt', 'userAgent'].sort(),
      )
    }
  })

  it('ends all other sessions, keeping the one that asks', async () => {
    const a = await t.signUp()
    const b = await t.signUp()
    const others = await Promise.all(
      [1, 2].map(
        async () =>
          (await login(a.login, a.password)).body.result?.data as {
            accessToken: string
            refreshToken: string
          },
      ),
    )
    const res = await post(t.app, 'auth.revokeOtherSessions', undefined, bearer(a.accessToken))
    expect(res.status).toBe(200)
    expect(res.body.result?.data).toEqual({ ok: true, ended: 2 })
    for (const o of others) {
      expect((await me(o.accessToken)).status).toBe(401)
      expect((await refresh(o.refreshToken)).status).toBe(401)
    }
    expect((await me(a.accessToken)).status).toBe(200)
    // Someone else's sessions are not touched.
    expect((await me(b.accessToken)).status).toBe(200)
    expect((await a.caller.auth.sessions()).items.map((s) => s.id)).toEqual([a.authUser.sessionId])
  })

  it('revokes another of the caller’s sessions', async () => {
    const a = await t.signUp()
    const second = (await login(a.login, a.password)).body.result?.data as {
      accessToken: string
      refreshToken: string
    }
    const sid = claimsOf(second.accessToken).sid
    const res = await post(t.app, 'auth.revokeSession', { sessionId: sid }, bearer(a.accessToken))
    expect(res.status).toBe(200)
    expect((await me(second.accessToken)).status).toBe(401)
    expect((await refresh(second.refreshToken)).status).toBe(401)
    const left = await a.caller.auth.sessions()
    expect(left.items.map((s) => s.id)).toEqual([a.authUser.sessionId])
  })

  it('refuses to revoke another user’s session, which stays active', async () => {
    const a = await t.signUp()
    const b = await t.signUp()
    const res = await post(
      t.app,
      'auth.revokeSession',
      { sessionId: b.authUser.sessionId },
      bearer(a.accessToken),
    )
    expect(res.status).toBe(404)
    expect(res.body.error?.data.code).toBe('NOT_FOUND')
    expect((await me(b.accessToken)).status).toBe(200)
    const bad = await post(t.app, 'auth.revokeSession', { sessionId: 'x' }, bearer(a.accessToken))
    expect(bad.status).toBe(400)
    expect(bad.body.error?.message).toMatch(/^sessionId:/)
  })
})

describe('stored passwords', () => {
  it('a dump of every table holds neither the client hash, the server hash, nor the pepper', async () => {
    const password = `p-${randomBytes(8).toString('hex')}`
    const input = registerInput(fresh(), password)
    await t.callerFor(null).auth.register(input)
    const a = sha256(password)
    const b = await t.deps.hashPassword(a)

    const tables = await sql<{ name: string }>`
      SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()`.execute(
      t.db,
    )
    expect(tables.rows.map((r) => r.name)).toContain('users')
    let dump = ''
    for (const { name } of tables.rows) {
      const rows = await sql`SELECT * FROM ${sql.table(name)}`.execute(t.db)
      dump += JSON.stringify(rows.rows, (_k, v: unknown) =>
        Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? String(v) : v,
      )
    }
    expect(dump).toContain(input.login)
    const pepper = t.config.passwordPepper
    for (const secret of [password, a, b, pepper]) {
      expect(dump.toLowerCase()).not.toContain(secret.toLowerCase())
    }
    expect(dump).not.toContain(Buffer.from(pepper).toString('base64'))

    // What is stored is SHA-256(B + salt): the database salted the server's slow hash.
    const row = await t.db
      .selectFrom('users')
      .select(['password_hash', 'password_salt'])
      .where('login', '=', input.login)
      .executeTakeFirstOrThrow()
    expect(row.password_hash).toBe(sha256(b + row.password_salt))
  })

  it('draws a distinct salt of 32–64 characters for every user', async () => {
    for (let i = 0; i < 24; i++) {
      await t.callerFor(null).auth.register(registerInput(fresh(), 'same password for all'))
    }
    const rows = await t.db.selectFrom('users').select(['password_salt', 'password_hash']).execute()
    const salts = rows.map((r) => r.password_salt)
    expect(salts.length).toBeGreaterThanOrEqual(24)
    for (const s of salts) {
      expect(s.length).toBeGreaterThanOrEqual(32)
      expect(s.length).toBeLessThanOrEqual(64)
    }
    expect(new Set(salts).size).toBe(salts.length)
    // Same password, different salts: no two stored hashes alike.
    expect(new Set(rows.map((r) => r.password_hash)).size).toBe(rows.length)
    // The length is random too, not always the same.
    expect(new Set(salts.map((s) => s.length)).size).toBeGreaterThan(1)
  })
})
