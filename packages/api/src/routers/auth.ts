import {
  authResult,
  changePasswordInput,
  loginAnswer,
  loginInput,
  loginTotpInput,
  secondFactor,
  totpEnabled,
  totpEnableInput,
  totpSetup,
  totpStatus,
  ok,
  refreshInput,
  registerInput,
  revokeSessionInput,
  session,
  user,
} from '@messenger/shared'
import { z } from 'zod'
import * as auth from '../auth/service'
import * as twoFactor from '../auth/two-factor'
import {
  authedPasswordProcedure,
  authedProcedure,
  passwordProcedure,
  publicProcedure,
  router,
} from '../trpc'

export const authRouter = router({
  register: passwordProcedure
    .input(registerInput)
    .output(z.object({ user }))
    .mutation(({ ctx, input }) => auth.register(ctx, input)),
  login: passwordProcedure
    .input(loginInput)
    .output(loginAnswer)
    .mutation(({ ctx, input }) => auth.login(ctx, input)),
  refresh: publicProcedure
    .input(refreshInput)
    .output(authResult)
    .mutation(({ ctx, input }) => auth.refresh(ctx, input.refreshToken)),
  logout: authedProcedure.output(ok).mutation(({ ctx }) => auth.logout(ctx)),
  sessions: authedProcedure
    .output(z.object({ items: z.array(session) }))
    .query(({ ctx }) => auth.sessions(ctx)),
  revokeSession: authedProcedure
    .input(revokeSessionInput)
    .output(ok)
    .mutation(({ ctx, input }) => auth.revokeOwnSession(ctx, input.sessionId)),
  revokeOtherSessions: authedProcedure
    .output(z.object({ ok: z.literal(true), ended: z.number().int() }))
    .mutation(({ ctx }) => auth.revokeOthers(ctx)),
  loginTotp: publicProcedure
    .input(loginTotpInput)
    .output(authResult)
    .mutation(({ ctx, input }) => auth.loginTotp(ctx, input)),
  changePassword: authedPasswordProcedure
    .input(changePasswordInput)
    .output(z.object({ ok: z.literal(true), ended: z.number().int() }))
    .mutation(({ ctx, input }) => auth.changePassword(ctx, input)),
  totpStatus: authedProcedure.output(totpStatus).query(({ ctx }) => twoFactor.totpStatus(ctx)),
  totpSetup: authedProcedure.output(totpSetup).mutation(({ ctx }) => twoFactor.setupTotp(ctx)),
  totpEnable: authedProcedure
    .input(totpEnableInput)
    .output(totpEnabled)
    .mutation(({ ctx, input }) => twoFactor.enableTotpWithCode(ctx, input.code)),
  totpDisable: authedProcedure
    .input(secondFactor)
    .output(ok)
    .mutation(({ ctx, input }) => twoFactor.disableTotpWithCode(ctx, input)),
})
