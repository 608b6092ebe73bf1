import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, post, sha256, type TestApp } from '../testing'
import { MAX_FAILURES, WINDOW_MS } from './throttle'

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
