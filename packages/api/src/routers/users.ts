import { TRPCError } from '@trpc/server'
import { findUserById, searchUsers, updateUserNames } from '@messenger/db'
import { publicUser, searchUsersInput, updateProfileInput, user } from '@messenger/shared'
import { z } from 'zod'
import type { AuthUser, Context } from '../context'
import { toPublicUser, toUser } from '../mappers'
import { authedProcedure, router } from '../trpc'

const me = async (ctx: Context & { user: AuthUser }) => {
  const row = await findUserById(ctx.db, ctx.user.id)
  if (!row) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' })
  return toUser(row)
}

export const usersRouter = router({
  me: authedProcedure.output(user).query(({ ctx }) => me(ctx)),
  search: authedProcedure
    .input(searchUsersInput)
    .output(z.object({ items: z.array(publicUser) }))
    .query(async ({ ctx, input }) => ({
      items: (await searchUsers(ctx.db, input.query, input.limit)).map(toPublicUser),
    })),
  updateProfile: authedProcedure
    .input(updateProfileInput)
    .output(user)
    .mutation(async ({ ctx, input }) => {
      await updateUserNames(ctx.db, ctx.user.id, input)
      // Cached sessions carry the profile (it names the sender of one's own messages).
      await ctx.sessions.userChanged(ctx.user.id)
      return me(ctx)
    }),
})
