import { TRPCError } from '@trpc/server'
import {
  acceptTotpStep,
  countRecoveryCodesLeft,
  disableTotp,
  enableTotp,
  findTotp,
  findUserById,
  savePendingTotp,
  spendRecoveryCode,
} from '@messenger/db'
import { RECOVERY_CODE_COUNT, type SecondFactor } from '@messenger/shared'
import type { AuthUser, Context } from '../context'
import { reserveAttempt, userScopes } from './throttle'
import {
  createRecoveryHasher,
  createSecretBox,
  newRecoveryCodes,
  newTotpSecret,
  totpStep,
} from './totp'

type Ctx = Context & { user: AuthUser }

/** Whether the user has two-factor login on (a confirmed secret). */
export const totpEnabled = async (ctx: Context, userId: string) =>
  (await findTotp(ctx.db, userId))?.enabled_at != null

/**
 * Checks a second factor and spends it: a code's time step is taken once (no code, nor an older
 * one, works again), a recovery code once ever. False when it is wrong, used, or TOTP is off.
 */
export const spendSecondFactor = async (
  ctx: Context,
  userId: string,
  factor: { code?: string | undefined; recoveryCode?: string | undefined },
): Promise<boolean> => {
  const row = await findTotp(ctx.db, userId)
  if (!row?.enabled_at) return false
  if (factor.code !== undefined) {
    const secret = createSecretBox(ctx.config.passwordPepper).open(row.secret_enc)
    const step = totpStep(secret, factor.code)
    return step !== null && (await acceptTotpStep(ctx.db, userId, step))
  }
  if (factor.recoveryCode !== undefined) {
    const hash = createRecoveryHasher(ctx.config.passwordPepper)(userId, factor.recoveryCode)
    return spendRecoveryCode(ctx.db, userId, hash)
  }
  return false
}

/**
 * A guess at a second factor, counted by the login throttle (the same budget as passwords, per
 * account and per address): TOO_MANY_REQUESTS past it; a wrong one stays counted.
 */
export const checkSecondFactorThrottled = async (
  ctx: Context,
  userId: string,
  factor: SecondFactor,
): Promise<boolean> => {
  const attempt = await reserveAttempt(ctx, userScopes(ctx, userId))
  let ok: boolean
  try {
    ok = await spendSecondFactor(ctx, userId, factor)
  } catch (e) {
    await attempt.released().catch(() => undefined)
    throw e
  }
  if (ok) await attempt.succeeded()
  return ok
}

export const totpStatus = async (ctx: Ctx) => {
  const enabled = await totpEnabled(ctx, ctx.user.id)
  return {
    enabled,
    recoveryCodesLeft: enabled ? await countRecoveryCodesLeft(ctx.db, ctx.user.id) : 0,
  }
}

const ALREADY_ON = 'Two-factor login is on already; turn it off first to set up a new app'

/** A new secret, pending until a code confirms it; the only time the secret is ever answered. */
export const setupTotp = async (ctx: Ctx) => {
  const me = await findUserById(ctx.db, ctx.user.id)
  if (!me) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' })
  const { base32, uri } = newTotpSecret(me.login)
  const sealed = createSecretBox(ctx.config.passwordPepper).seal(base32)
  if (!(await savePendingTotp(ctx.db, ctx.user.id, sealed))) {
    throw new TRPCError({ code: 'CONFLICT', message: ALREADY_ON })
  }
  return { secret: base32, uri }
}

/** Confirms the pending secret with a code and answers ten recovery codes, shown this once. */
export const enableTotpWithCode = async (ctx: Ctx, code: string) => {
  const row = await findTotp(ctx.db, ctx.user.id)
  if (row?.enabled_at) throw new TRPCError({ code: 'CONFLICT', message: ALREADY_ON })
  if (!row) {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'Call auth.totpSetup first' })
  }
  const step = totpStep(createSecretBox(ctx.config.passwordPepper).open(row.secret_enc), code)
  if (step === null) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'code: not the code the authenticator app shows now',
    })
  }
  const codes = newRecoveryCodes(RECOVERY_CODE_COUNT)
  const hash = createRecoveryHasher(ctx.config.passwordPepper)
  const enabled = await enableTotp(
    ctx.db,
    ctx.user.id,
    step,
    codes.map((c) => hash(ctx.user.id, c)),
  )
  if (!enabled) throw new TRPCError({ code: 'CONFLICT', message: ALREADY_ON })
  return { recoveryCodes: codes }
}

/** Turning it off takes a code (or a recovery code), throttled like login. */
export const disableTotpWithCode = async (ctx: Ctx, factor: SecondFactor) => {
  if (!(await totpEnabled(ctx, ctx.user.id))) {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'Two-factor login is not on' })
  }
  if (!(await checkSecondFactorThrottled(ctx, ctx.user.id, factor))) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: factor.code !== undefined ? WRONG_CODE : WRONG_RECOVERY_CODE,
    })
  }
  await disableTotp(ctx.db, ctx.user.id)
  return { ok: true as const }
}

export const WRONG_CODE = 'code: wrong code, or one used already'
export const WRONG_RECOVERY_CODE = 'recoveryCode: not one of your unused recovery codes'
