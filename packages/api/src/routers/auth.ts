import {
  authResult,
  loginInput,
  ok,
  refreshInput,
  registerInput,
  revokeSessionInput,
  session,
  user,
} from '@messenger/shared'
import { z } from 'zod'
import * as auth from '../auth/service'
import { authedProcedure, passwordProcedure, publicProcedure, router } from '../trpc'

export const authRouter = router({
  register: passwordProcedure
    .input(registerInput)
    .output(z.object({ user }))
    .mutation(({ ctx, input }) => auth.register(ctx, input)),
  login: passwordProcedure
    .input(loginInput)
    .output(authResult)
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
})
