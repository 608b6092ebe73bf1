import { createHmac } from 'node:crypto'
import { sign } from 'hono/jwt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestApp, get, type TestApp } from '../testing'
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken, verifyAccessToken } from './tokens'

let t: TestApp
let user: Awaited<ReturnType<TestApp['signUp']>>
beforeAll(async () => {
  t = await createTestApp()
  user = await t.signUp()
})
afterAll(() => t.close())

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
const now = () => Math.floor(Date.now() / 1000)

/** Claims of a token the server would issue for the signed-up user's live session. */
const goodClaims = () => ({
  sub: user.authUser.id,
  sid: user.authUser.sessionId,
  iss: 'messenger',
  aud: 'messenger-api',
  iat: now(),
  exp: now() + 60,
})

/** An HS256 token over arbitrary header and claims, signed with `secret`. */
const hs256 = (header: object, claims: object, secret: string) => {
  const body = `${b64(header)}.${b64(claims)}`
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`
}

/** The token through the whole stack: the session is live, so only the token can be at fault. */
const meStatus = async (token: string) =>
  (await get(t.app, 'users.me', undefined, bearer(token))).status

describe('access tokens', () => {
  it('a token the server issued works, and one the test forges the same way works too', async () => {
    expect(await meStatus(user.accessToken)).toBe(200)
    const forged = hs256({ alg: 'HS256', typ: 'JWT' }, goodClaims(), t.config.jwtSecret)
    expect(await meStatus(forged)).toBe(200)
  })

  it('lives 15 minutes and carries sub, sid, iss and aud', async () => {
    const issuedAt = new Date('2026-01-01T00:00:00Z')
    const { token, expiresAt } = await signAccessToken(
      t.config.jwtSecret,
      { userId: 'u', sessionId: 's' },
      issuedAt,
    )
    expect(ACCESS_TOKEN_TTL_SECONDS).toBe(15 * 60)
    expect(expiresAt.getTime() - issuedAt.getTime()).toBe(15 * 60 * 1000)
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as object
    expect(claims).toEqual({
      sub: 'u',
      sid: 's',
      iss: 'messenger',
      aud: 'messenger-api',
      iat: issuedAt.getTime() / 1000,
      exp: issuedAt.getTime() / 1000 + 900,
    })
  })

  it('refuses a token whose claims were changed after signing', async () => {
    const other = await t.signUp()
    const [header, , signature] = user.accessToken.split('.')
    const claims = { ...goodClaims(), sub: other.authUser.id, sid: other.authUser.sessionId }
    const tampered = `${header!}.${b64(claims)}.${signature!}`
    expect(await verifyAccessToken(t.config.jwtSecret, tampered)).toBeNull()
    expect(await meStatus(tampered)).toBe(401)
    // One character of the signature changed.
    const at = user.accessToken.lastIndexOf('.') + 5
    const swapped = user.accessToken[at] === 'A' ? 'B' : 'A'
    const flipped = `${user.accessToken.slice(0, at)}${swapped}${user.accessToken.slice(at + 1)}`
    expect(await meStatus(flipped)).toBe(401)
  })

  it('refuses alg "none" (unsigned) tokens', async () => {
    for (const alg of ['none', 'None', 'NONE']) {
      const unsigned = `${b64({ alg, typ: 'JWT' })}.${b64(goodClaims())}.`
      expect(await verifyAccessToken(t.config.jwtSecret, unsigned)).toBeNull()
      expect(await meStatus(unsigned)).toBe(401)
    }
  })

  it('refuses a token signed with the right secret but another algorithm', async () => {
    for (const alg of ['HS512', 'HS384'] as const) {
      const token = await sign(goodClaims(), t.config.jwtSecret, alg)
      expect(await verifyAccessToken(t.config.jwtSecret, token)).toBeNull()
      expect(await meStatus(token)).toBe(401)
    }
    // A header lying about its algorithm over a valid HS256 signature is refused as well.
    const lying = hs256({ alg: 'HS512', typ: 'JWT' }, goodClaims(), t.config.jwtSecret)
    expect(await meStatus(lying)).toBe(401)
  })

  it('refuses a token signed with another secret', async () => {
    const token = hs256({ alg: 'HS256', typ: 'JWT' }, goodClaims(), 'x'.repeat(64))
    expect(await meStatus(token)).toBe(401)
  })

  it('refuses an expired token', async () => {
    const sixteenMinutesAgo = new Date(Date.now() - 16 * 60 * 1000)
    const { token } = await signAccessToken(
      t.config.jwtSecret,
      { userId: user.authUser.id, sessionId: user.authUser.sessionId },
      sixteenMinutesAgo,
    )
    expect(await verifyAccessToken(t.config.jwtSecret, token)).toBeNull()
    expect(await meStatus(token)).toBe(401)
    const justExpired = hs256(
      { alg: 'HS256', typ: 'JWT' },
      { ...goodClaims(), exp: now() - 1 },
      t.config.jwtSecret,
    )
    expect(await meStatus(justExpired)).toBe(401)
  })

  it('refuses a token without exp, which would never expire', async () => {
    // JSON leaves undefined out, so the claim is absent from the token.
    const claims = { ...goodClaims(), exp: undefined }
    expect(Object.keys(JSON.parse(JSON.stringify(claims)) as object)).not.toContain('exp')
    const token = hs256({ alg: 'HS256', typ: 'JWT' }, claims, t.config.jwtSecret)
    expect(await verifyAccessToken(t.config.jwtSecret, token)).toBeNull()
    expect(await meStatus(token)).toBe(401)
  })

  it('refuses a wrong or missing issuer or audience', async () => {
    const variants = [
      { iss: 'someone-else' },
      { aud: 'another-api' },
      { iss: undefined },
      { aud: undefined },
    ]
    for (const patch of variants) {
      const token = hs256(
        { alg: 'HS256', typ: 'JWT' },
        { ...goodClaims(), ...patch },
        t.config.jwtSecret,
      )
      expect(await verifyAccessToken(t.config.jwtSecret, token)).toBeNull()
      expect(await meStatus(token)).toBe(401)
    }
  })

  it('refuses a token whose sub or sid is missing or does not match the session', async () => {
    const other = await t.signUp()
    const variants = [
      { sub: undefined },
      { sid: undefined },
      { sub: other.authUser.id },
      { sid: other.authUser.sessionId },
    ]
    for (const patch of variants) {
      const token = hs256(
        { alg: 'HS256', typ: 'JWT' },
        { ...goodClaims(), ...patch },
        t.config.jwtSecret,
      )
      expect(await meStatus(token)).toBe(401)
    }
  })

  it('refuses garbage and a header without the Bearer scheme', async () => {
    for (const token of ['', 'abc', 'a.b.c', '...', `${user.accessToken}.x`]) {
      expect(await verifyAccessToken(t.config.jwtSecret, token)).toBeNull()
    }
    const res = await get(t.app, 'users.me', undefined, { authorization: user.accessToken })
    expect(res.status).toBe(401)
    expect(res.body.error?.data.code).toBe('UNAUTHORIZED')
  })
})
