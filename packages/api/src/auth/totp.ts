import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { sign, verify } from 'hono/jwt'
import { Secret, TOTP } from 'otpauth'

/** RFC 6238 as every authenticator app reads it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30
const ISSUER = 'Messenger'

const totpFor = (secretBase32: string, label = '') =>
  new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  })

/** A new 160-bit secret (RFC 4226's recommended size), its base32 and the otpauth:// URI. */
export const newTotpSecret = (accountLabel: string) => {
  const secret = new Secret({ size: 20 })
  return { base32: secret.base32, uri: totpFor(secret.base32, accountLabel).toString() }
}

/**
 * The time step a code belongs to, when it is right for the step before, this one or the next
 * (clocks drift; RFC 6238 §5.2 allows one step back); null when it is wrong.
 */
export const totpStep = (secretBase32: string, code: string, now = Date.now()): number | null => {
  const delta = totpFor(secretBase32).validate({ token: code, timestamp: now, window: 1 })
  if (delta === null) return null
  return Math.floor(now / 1000 / TOTP_PERIOD_SECONDS) + delta
}

/** Keys derived from the pepper: the secrets' encryption key and the recovery codes' hash key. */
const deriveKey = (pepper: string, purpose: string) =>
  Buffer.from(hkdfSync('sha256', pepper, 'messenger', purpose, 32))

/**
 * Encrypts TOTP secrets at rest with AES-256-GCM under a key derived from PASSWORD_PEPPER, so a
 * stolen database alone gives no secret; stored as `v1.<iv>.<tag>.<ciphertext>` in base64url.
 */
export const createSecretBox = (pepper: string) => {
  const key = deriveKey(pepper, 'totp-secret')
  return {
    seal: (plain: string) => {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return ['v1', ...[iv, cipher.getAuthTag(), data].map((p) => p.toString('base64url'))].join(
        '.',
      )
    },
    open: (sealed: string) => {
      const [version, iv, tag, data] = sealed.split('.')
      if (version !== 'v1' || !iv || !tag || !data) throw new Error('unknown sealed secret format')
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([
        decipher.update(Buffer.from(data, 'base64url')),
        decipher.final(),
      ]).toString('utf8')
    },
  }
}
export type SecretBox = ReturnType<typeof createSecretBox>

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'

/** Ten codes of 10 base32 characters (50 bits each), shown as "abcde-fghij". */
export const newRecoveryCodes = (count: number) =>
  Array.from({ length: count }, () => {
    const chars = Array.from(randomBytes(10), (b) => BASE32[b & 31]).join('')
    return `${chars.slice(0, 5)}-${chars.slice(5)}`
  })

/**
 * Recovery codes are stored as HMAC-SHA-256 under a key derived from the pepper, bound to the
 * user: the database alone does not let anyone test guesses offline.
 */
export const createRecoveryHasher = (pepper: string) => {
  const key = deriveKey(pepper, 'recovery-code')
  return (userId: string, code: string) =>
    createHmac('sha256', key)
      .update(`${userId}:${code.replace(/[\s-]/g, '').toLowerCase()}`)
      .digest('hex')
}

const CHALLENGE_AUDIENCE = 'messenger-totp-challenge'
export const CHALLENGE_TTL_SECONDS = 5 * 60

/** What a right password earns an account with TOTP on: five minutes to give a code. */
export const signChallenge = async (secret: string, userId: string, now = Date.now()) => {
  const iat = Math.floor(now / 1000)
  return sign(
    {
      sub: userId,
      aud: CHALLENGE_AUDIENCE,
      iss: 'messenger',
      iat,
      exp: iat + CHALLENGE_TTL_SECONDS,
    },
    secret,
    'HS256',
  )
}

/** The user id of a valid, unexpired challenge; null for anything else. */
export const verifyChallenge = async (secret: string, token: string) => {
  try {
    const p = await verify(token, secret, {
      alg: 'HS256',
      iss: 'messenger',
      aud: CHALLENGE_AUDIENCE,
    })
    return typeof p.sub === 'string' ? p.sub : null
  } catch {
    return null
  }
}
