import { z } from 'zod'
import { id, isoDate } from './common'
import { loginName, personName, user } from './users'

/** Lowercase hex SHA-256 of the password, computed by the client. */
export const passwordHash = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'passwordHash must be the lowercase hex SHA-256 of the password')

export const registerInput = z.object({
  login: loginName,
  passwordHash,
  email: z.email({ error: 'email must be a valid email address' }).max(254),
  firstName: personName,
  lastName: personName,
})
export type RegisterInput = z.infer<typeof registerInput>

export const loginInput = z.object({
  login: z.string().trim().min(1, 'login must not be empty').max(254),
  passwordHash,
})

export const refreshInput = z.object({ refreshToken: z.string().min(1).max(200) })

export const tokenPair = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  accessTokenExpiresAt: isoDate,
  refreshTokenExpiresAt: isoDate,
})
export type TokenPair = z.infer<typeof tokenPair>

export const authResult = tokenPair.extend({ user })
export type AuthResult = z.infer<typeof authResult>

export const session = z.object({
  id,
  createdAt: isoDate,
  lastUsedAt: isoDate,
  userAgent: z.string().nullable(),
  /** The client address the session signed in from (as the server saw it). */
  address: z.string().nullable(),
  current: z.boolean(),
})
export type Session = z.infer<typeof session>

export const revokeSessionInput = z.object({ sessionId: id })

export const MIN_PASSWORD_LENGTH = 8
