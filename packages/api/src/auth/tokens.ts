import { hash, randomBytes } from 'node:crypto'
import { sign, verify } from 'hono/jwt'
import { LRUCache } from 'lru-cache'

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60
const ISSUER = 'messenger'
const AUDIENCE = 'messenger-api'

export interface AccessClaims {
  userId: string
  sessionId: string
}
export interface VerifiedClaims extends AccessClaims {
  expiresAtMs: number
}

export const signAccessToken = async (
  secret: string,
  claims: AccessClaims,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> => {
  const iat = Math.floor(now.getTime() / 1000)
  const exp = iat + ACCESS_TOKEN_TTL_SECONDS
  const token = await sign(
    { sub: claims.userId, sid: claims.sessionId, iss: ISSUER, aud: AUDIENCE, iat, exp },
    secret,
    'HS256',
  )
  return { token, expiresAt: new Date(exp * 1000) }
}

/** The claims of a valid HS256 access token; null for anything else (other alg, none, expired). */
export const verifyAccessToken = async (
  secret: string,
  token: string,
): Promise<VerifiedClaims | null> => {
  try {
    const p = await verify(token, secret, { alg: 'HS256', iss: ISSUER, aud: AUDIENCE })
    if (typeof p.exp !== 'number' || typeof p.sub !== 'string' || typeof p.sid !== 'string') {
      return null
    }
    return { userId: p.sub, sessionId: p.sid, expiresAtMs: p.exp * 1000 }
  } catch {
    return null
  }
}

export type TokenVerifier = (token: string) => Promise<VerifiedClaims | null>

/**
 * `verifyAccessToken` with the tokens that verified already remembered until they expire, the
 * `cacheSize` most recently used: a client sends one token with every request for 15 minutes, and
 * WebCrypto's HMAC (key import included) was a tenth of the send path's CPU. Revocation does not
 * depend on this: the session is checked on every request.
 */
export const createTokenVerifier = (secret: string, cacheSize: number): TokenVerifier => {
  const verified = new LRUCache<string, VerifiedClaims>({ max: cacheSize })
  return async (token) => {
    // Keyed by the token's digest: 44 characters per entry rather than a whole token, and
    // there is an entry per user who holds a stream. One-shot hash(): a third of createHash's cost.
    const key = hash('sha256', token, 'base64')
    const hit = verified.get(key)
    if (hit) {
      if (Date.now() < hit.expiresAtMs) return hit
      verified.delete(key)
    }
    const claims = await verifyAccessToken(secret, token)
    if (claims) verified.set(key, claims)
    return claims
  }
}

/** 256 random bits; only its SHA-256 is stored. */
export const newRefreshToken = () => {
  const token = randomBytes(32).toString('base64url')
  return { token, hash: hashRefreshToken(token) }
}

export const hashRefreshToken = (token: string) => hash('sha256', token, 'hex')
