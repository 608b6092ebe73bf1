import { z } from 'zod'
import { id, isoDate, limit } from './common'
import { publicUser } from './users'

/** The quick set the web client offers; any other single emoji is accepted too. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const

/** At most this many different emoji on one message. */
export const MAX_REACTION_KINDS = 20

// One emoji as Unicode recommends it (RGI): a flag, a keycap, a family, a skin tone all count as
// one. Built at run time: the `v` flag is newer than the TypeScript target.
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v')

/**
 * `s` as exactly one emoji in its fully-qualified form ("❤" becomes "❤️"), or null when it is
 * anything else: text, two emoji, an emoji with text.
 */
export const singleEmoji = (s: string): string | null => {
  if (s.length === 0 || s.length > 32) return null
  if (RGI_EMOJI.test(s)) return s
  const qualified = `${s}\uFE0F`
  return RGI_EMOJI.test(qualified) ? qualified : null
}

/** Input: exactly one emoji, normalized to its fully-qualified form. */
export const emoji = z
  .string()
  .max(32, 'emoji must be one emoji')
  .transform((s, ctx) => {
    const e = singleEmoji(s.trim())
    if (e === null) {
      ctx.addIssue({ code: 'custom', message: 'emoji must be exactly one emoji' })
      return z.NEVER
    }
    return e
  })

/** One emoji on a message: how many reacted with it, and whether the caller did. */
export const reactionSummary = z.object({
  emoji: z.string(),
  count: z.number().int(),
  mine: z.boolean(),
})
export type ReactionSummary = z.infer<typeof reactionSummary>

/** `active: true` adds the caller's reaction, `false` takes it back; repeating either changes nothing. */
export const reactInput = z.object({ messageId: id, emoji, active: z.boolean() })
export const reactResult = z.object({ messageId: id, reactions: z.array(reactionSummary) })

export const reactorsInput = z.object({
  messageId: id,
  emoji,
  cursor: z.string().max(100).optional(),
  limit: limit(100, 50),
})
export const reactorPage = z.object({
  items: z.array(z.object({ user: publicUser, reactedAt: isoDate })),
  nextCursor: z.string().nullable(),
})
