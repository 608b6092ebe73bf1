import { TRPCError } from '@trpc/server'
import { findUserById, searchUsers, updateUserNames, usersSharingAChat } from '@messenger/db'
import {
  deleteAccountInput,
  ok,
  presenceInput,
  presenceList,
  privacy,
  profile,
  profileInput,
  publicUser,
  searchUsersInput,
  setPrivacyInput,
  sharedChatsInput,
  sharedChatsPage,
  updateProfileInput,
  user,
} from '@messenger/shared'
import { z } from 'zod'
import type { AuthUser, Context } from '../context'
import { setAvatar } from '../avatars/service'
import { toPublicUser, toUser } from '../mappers'
import { presenceOfUsers, privacyOf, setPrivacy } from '../presence/service'
import { authedPasswordProcedure, authedProcedure, router } from '../trpc'
import { deleteAccount } from '../users/delete-account'
import { getProfile, sharedChats } from '../users/profile'

const me = async (ctx: Context & { user: AuthUser }) => {
  const row = await findUserById(ctx.db, ctx.user.id)
  if (!row) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' })
  return toUser(row, ctx.config.jwtSecret)
}

export const usersRouter = router({
  me: authedProcedure.output(user).query(({ ctx }) => me(ctx)),
  search: authedProcedure
    .input(searchUsersInput)
    .output(z.object({ items: z.array(publicUser) }))
    .query(async ({ ctx, input }) => {
      const found = await searchUsers(ctx.db, input.query, input.limit)
      // Photos only of people who share a chat with the caller (and the caller's own).
      const sharing = await usersSharingAChat(
        ctx.db,
        ctx.user.id,
        found.map((u) => u.id),
      )
      return {
        items: found.map(({ avatar_id, ...u }) =>
          toPublicUser(
            sharing.has(u.id) || u.id === ctx.user.id ? { ...u, avatar_id } : u,
            ctx.config.jwtSecret,
          ),
        ),
      }
    }),
  updateProfile: authedProcedure
    .input(updateProfileInput)
    .output(user)
    .mutation(async ({ ctx, input }) => {
      await updateUserNames(ctx.db, ctx.user.id, input)
      // Cached sessions carry the profile (it names the sender of one's own messages).
      await ctx.sessions.userChanged(ctx.user.id)
      return me(ctx)
    }),
  profile: authedProcedure
    .input(profileInput)
    .output(profile)
    .query(({ ctx, input }) => getProfile(ctx, input.userId)),
  sharedChats: authedProcedure
    .input(sharedChatsInput)
    .output(sharedChatsPage)
    .query(({ ctx, input }) => sharedChats(ctx, input)),
  deleteAccount: authedPasswordProcedure
    .input(deleteAccountInput)
    .output(ok)
    .mutation(({ ctx, input }) => deleteAccount(ctx, input)),
  /** Back to initials: the photo's files go (beyond API.md; uploads: POST /api/avatars). */
  removeAvatar: authedProcedure.output(user).mutation(async ({ ctx }) => {
    await setAvatar(ctx, { userId: ctx.user.id }, null)
    return me(ctx)
  }),
  /** Online / last seen of people who share a chat with the caller (at most 100). */
  presence: authedProcedure
    .input(presenceInput)
    .output(presenceList)
    .query(({ ctx, input }) => presenceOfUsers(ctx, input.userIds)),
  privacy: authedProcedure.output(privacy).query(({ ctx }) => privacyOf(ctx)),
  setPrivacy: authedProcedure
    .input(setPrivacyInput)
    .output(privacy)
    .mutation(({ ctx, input }) => setPrivacy(ctx, input)),
})
