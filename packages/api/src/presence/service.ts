import { isPresenceHidden, presenceNow, presenceOf, setPresenceHidden } from '@messenger/db'
import type { Presence, Privacy } from '@messenger/shared'
import type { AuthUser, Context } from '../context'

type Ctx = Context & { user: AuthUser }

/**
 * The presence of those of `userIds` who share a chat with the caller; others are left out of
 * the answer. Someone who hides theirs answers as unknown (offline, never seen), and so does
 * everyone when the caller hides their own: like Telegram, hiding one's presence hides others'.
 */
export const presenceOfUsers = async (ctx: Ctx, userIds: readonly string[]) => {
  const others = userIds.filter((id) => id !== ctx.user.id)
  const [rows, viewerHides] = await Promise.all([
    presenceOf(ctx.db, ctx.user.id, others, ctx.presence.liveSince()),
    isPresenceHidden(ctx.db, ctx.user.id),
  ])
  const items: Presence[] = rows.map((r) =>
    r.hidden || viewerHides
      ? { userId: r.id, online: false, lastSeenAt: null }
      : { userId: r.id, online: r.online, lastSeenAt: r.lastSeenAt?.toISOString() ?? null },
  )
  return { items }
}

export const privacyOf = async (ctx: Ctx): Promise<Privacy> => ({
  presenceHidden: await isPresenceHidden(ctx.db, ctx.user.id),
})

/**
 * Hides or shows the caller's presence. Their personal chats' people are told at once: hidden
 * (offline, never seen) or, shown again, what it is now.
 */
export const setPrivacy = async (ctx: Ctx, input: Privacy): Promise<Privacy> => {
  const before = await isPresenceHidden(ctx.db, ctx.user.id)
  if (before === input.presenceHidden) return input
  if (input.presenceHidden) {
    // Told while still shown: the audience is empty once hidden.
    await ctx.presence.announce(ctx.user.id, { online: false, lastSeenAt: null })
    await setPresenceHidden(ctx.db, ctx.user.id, true)
  } else {
    await setPresenceHidden(ctx.db, ctx.user.id, false)
    await ctx.presence.announce(
      ctx.user.id,
      await presenceNow(ctx.db, ctx.user.id, ctx.presence.liveSince()),
    )
  }
  return input
}
