import { z } from 'zod'
import { authResult, passwordHash } from './auth'
import { chat } from './chats'
import { id, isoDate } from './common'
import { publicUser } from './users'

/** A TOTP code as authenticator apps show it (RFC 6238: 6 digits, 30 s steps, SHA-1). */
export const totpCode = z
  .string()
  .transform((s) => s.replace(/\s/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'code must be the 6 digits the authenticator app shows'))

/** A recovery code as shown once at setup ("abcde-12345"); case and the dash do not matter. */
export const recoveryCode = z
  .string()
  .transform((s) => s.replace(/[\s-]/g, '').toLowerCase())
  .pipe(z.string().regex(/^[a-z2-7]{10}$/, 'recoveryCode must be one of your recovery codes'))

export const RECOVERY_CODE_COUNT = 10

/** A second factor: a code from the app or a recovery code (exactly one). */
const secondFactorFields = {
  code: totpCode.optional(),
  recoveryCode: recoveryCode.optional(),
}
const exactlyOne = (v: { code?: string | undefined; recoveryCode?: string | undefined }) =>
  (v.code === undefined) !== (v.recoveryCode === undefined)
const exactlyOneMessage = { message: 'code: give either code or recoveryCode', path: ['code'] }

export const secondFactor = z.object(secondFactorFields).refine(exactlyOne, exactlyOneMessage)
export type SecondFactor = z.infer<typeof secondFactor>

/** `auth.login` for an account with two-factor login on: the password was right, a code is next. */
export const totpChallenge = z.object({ totpRequired: z.literal(true), challenge: z.string() })
export const loginAnswer = z.union([authResult, totpChallenge])
export type LoginAnswer = z.infer<typeof loginAnswer>
export const isTotpChallenge = (a: LoginAnswer): a is z.infer<typeof totpChallenge> =>
  'totpRequired' in a

export const loginTotpInput = z
  .object({ challenge: z.string().min(1).max(1000), ...secondFactorFields })
  .refine(exactlyOne, exactlyOneMessage)

export const totpSetup = z.object({
  /** Base32, for typing into an app by hand; shown only now, never answered again. */
  secret: z.string(),
  /** The otpauth:// URI the QR code carries. */
  uri: z.string(),
})
export const totpEnableInput = z.object({ code: totpCode })
export const totpEnabled = z.object({ recoveryCodes: z.array(z.string()) })
export const totpStatus = z.object({
  enabled: z.boolean(),
  recoveryCodesLeft: z.number().int(),
})

export const changePasswordInput = z.object({
  currentPasswordHash: passwordHash,
  newPasswordHash: passwordHash,
})

export const deleteAccountInput = z
  .object({ passwordHash, ...secondFactorFields })
  .refine((v) => v.code === undefined || v.recoveryCode === undefined, exactlyOneMessage)

export const profileInput = z.object({ userId: id })
export const profile = z.object({
  user: publicUser,
  /**
   * Last seen under the presence rules, or null when not shown (hidden, deleted, no shared chat,
   * or no presence kept yet).
   */
  lastSeenAt: isoDate.nullable(),
})
export type Profile = z.infer<typeof profile>

export const sharedChatsInput = z.object({
  userId: id,
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(50).default(20),
})
export const sharedChatsPage = z.object({ items: z.array(chat), nextCursor: z.string().nullable() })
