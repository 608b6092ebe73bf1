import { TRPCError } from '@trpc/server'
import type { AuthUser, Context } from '../context'
import { assertChatMember } from './service'

/** When each (user, chat) last announced typing on this instance; cleared past the bound. */
const lastTyping = new Map<string, number>()
const MAX_TRACKED = 50_000
/** Faster repeats than this are not passed on (a client repeats every TYPING_REPEAT_MS). */
const MIN_REPEAT_MS = 1000

/**
 * Tells the chat's other members, on every instance, that the caller is typing. Never logged.
 * Clients repeat it every few seconds (TYPING_REPEAT_MS); a caller who repeats it within a second is answered
 * without another fan-out, so a misbehaving client cannot flood a big group.
 */
export const announceTyping = async (ctx: Context & { user: AuthUser }, chatId: string) => {
  const key = `${ctx.user.id}:${chatId}`
  const now = Date.now()
  const last = lastTyping.get(key)
  if (last !== undefined && now - last < MIN_REPEAT_MS) return { ok: true as const }
  // One row while the kept member list is current (a thousand ids in a big group otherwise, for
  // every burst of typing); the chat is read only to tell an unknown chat from someone else's.
  const members = (await ctx.members.read(ctx.db, chatId))?.ids ?? []
  if (!members.includes(ctx.user.id)) {
    await assertChatMember(ctx, chatId, ctx.user.id)
    throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of this chat' })
  }
  if (lastTyping.size >= MAX_TRACKED) lastTyping.clear()
  lastTyping.set(key, now)
  ctx.bus.publishEphemeral({
    audience: members.filter((m) => m !== ctx.user.id),
    event: { type: 'typing', chatId, userId: ctx.user.id },
  })
  return { ok: true as const }
}
