import { TRPCError } from '@trpc/server'
import { findProfileUser, listSharedChats, shareAChat } from '@messenger/db'
import type { Chat, Profile } from '@messenger/shared'
import { hydrateChats } from '../chats/hydrate'
import type { AuthUser, Context } from '../context'
import { toPublicUser } from '../mappers'

type Ctx = Context & { user: AuthUser }

const noSuchUser = () => new TRPCError({ code: 'NOT_FOUND', message: 'userId: no such user' })

/**
 * Who may see a profile follows users.search: anyone signed in may find a person, so anyone may
 * see their name and login. A deleted account can no longer be found: only people who shared a
 * chat with it see it ("Deleted account"). Last seen follows the presence rules: only for people
 * who share a chat, never when the person hides it.
 */
const visibleUser = async (ctx: Ctx, userId: string) => {
  const row = await findProfileUser(ctx.db, userId)
  if (!row) throw noSuchUser()
  const shares = userId === ctx.user.id || (await shareAChat(ctx.db, ctx.user.id, userId))
  if (row.deleted_at !== null && !shares) throw noSuchUser()
  return { row, shares }
}

export const getProfile = async (ctx: Ctx, userId: string): Promise<Profile> => {
  const { row, shares } = await visibleUser(ctx, userId)
  // The presence hook: last_seen_at is written by presence when a person's last stream closes.
  const showPresence = shares && row.deleted_at === null && row.presence_hidden === 0
  return {
    // The photo, like last seen, only for people who share a chat (as everywhere avatars show).
    user: toPublicUser(shares ? row : { ...row, avatar_id: null }, ctx.config.jwtSecret),
    lastSeenAt: showPresence && row.last_seen_at ? row.last_seen_at.toISOString() : null,
  }
}

const CURSOR = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Chats the caller shares with the person, by chat id, a page at a time. */
export const sharedChats = async (
  ctx: Ctx,
  input: { userId: string; cursor?: string | undefined; limit: number },
): Promise<{ items: Chat[]; nextCursor: string | null }> => {
  if (input.cursor !== undefined && !CURSOR.test(input.cursor)) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'cursor: not a cursor from users.sharedChats',
    })
  }
  await visibleUser(ctx, input.userId)
  const rows = await listSharedChats(
    ctx.db,
    ctx.user.id,
    input.userId,
    input.cursor ?? null,
    input.limit + 1,
  )
  const page = rows.slice(0, input.limit)
  return {
    items: await hydrateChats(ctx, ctx.user.id, page),
    nextCursor: rows.length > input.limit ? page.at(-1)!.id : null,
  }
}
