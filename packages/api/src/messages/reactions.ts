import { TRPCError } from '@trpc/server'
import {
  isMember,
  listReactors,
  reactionKinds,
  reactionsOfMessages,
  setReaction,
  type ReactorCursor,
} from '@messenger/db'
import { MAX_REACTION_KINDS, type ReactionSummary } from '@messenger/shared'
import type { AuthUser, Context } from '../context'
import { publishEvents, transactWithEvents } from '../events/service'
import { toPublicUser } from '../mappers'
import { assertMember } from '../chats/service'
import { hydrateMessages } from './hydrate'

type Ctx = Context & { user: AuthUser }

const noSuchMessage = () => new TRPCError({ code: 'NOT_FOUND', message: 'No such message' })

/**
 * Sets (`active`) or takes back the caller's reaction. Membership is checked under a share lock
 * of the chat's member version, which is also the event's audience at its place in the log; nothing
 * changes, and nobody is told, when the reaction already was as asked.
 */
export const react = async (
  ctx: Ctx,
  input: { messageId: string; emoji: string; active: boolean },
) => {
  const [m] = await ctx.messages.getMany([input.messageId])
  if (!m) throw noSuchMessage()
  const { events } = await transactWithEvents(ctx.db, async (trx, record) => {
    const members = (await ctx.members.read(trx, m.chatId, true))?.ids ?? []
    // Not a member: the same answer as for a message that does not exist.
    if (!members.includes(ctx.user.id)) throw noSuchMessage()
    if (m.deleted) {
      throw new TRPCError({ code: 'NOT_FOUND', message: 'messageId: this message was deleted' })
    }
    if (m.system) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: 'messageId: a system message takes no reactions',
      })
    }
    const { changed, count } = await setReaction(trx, {
      messageId: m.id,
      chatId: m.chatId,
      userId: ctx.user.id,
      emoji: input.emoji,
      active: input.active,
      now: new Date(),
    })
    // A new emoji on the message: checked after the fact, so the usual case costs no query.
    if (changed && input.active && count === 1) {
      if ((await reactionKinds(trx, m.id)) > MAX_REACTION_KINDS) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `emoji: a message takes at most ${MAX_REACTION_KINDS} different emoji`,
        })
      }
    }
    if (changed) {
      record({
        chatId: m.chatId,
        type: 'message.reaction',
        audience: members,
        detail: {
          messageId: m.id,
          userId: ctx.user.id,
          emoji: input.emoji,
          active: input.active,
          count,
        },
      })
    }
  })
  await publishEvents(ctx, events)
  return {
    messageId: m.id,
    reactions: (await reactionsOf(ctx, [m.id])).get(m.id) ?? [],
  }
}

/** Reactions of these messages for the caller, by message id, in one query. */
export const reactionsOf = async (ctx: Ctx, messageIds: readonly string[]) => {
  const out = new Map<string, ReactionSummary[]>()
  for (const r of await reactionsOfMessages(ctx.db, messageIds, ctx.user.id)) {
    const list = out.get(r.messageId) ?? []
    list.push({ emoji: r.emoji, count: r.count, mine: r.mine })
    out.set(r.messageId, list)
  }
  return out
}

const encodeCursor = (c: ReactorCursor) =>
  Buffer.from(`${c.at.getTime()}.${c.userId}`).toString('base64url')
const decodeCursor = (s: string): ReactorCursor => {
  const m = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(Buffer.from(s, 'base64url').toString())
  if (!m) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'cursor: not a cursor from messages.reactors',
    })
  }
  return { at: new Date(Number(m[1])), userId: m[2]! }
}

/** Who reacted with `emoji`, earliest first; members of the message's chat only. */
export const reactors = async (
  ctx: Ctx,
  input: { messageId: string; emoji: string; cursor?: string | undefined; limit: number },
) => {
  const cursor = input.cursor === undefined ? null : decodeCursor(input.cursor)
  const [m] = await ctx.messages.getMany([input.messageId])
  if (!m) throw noSuchMessage()
  if (!(await isMember(ctx.db, m.chatId, ctx.user.id))) throw noSuchMessage()
  const rows = await listReactors(ctx.db, m.id, input.emoji, cursor, input.limit + 1)
  const page = rows.slice(0, input.limit)
  const last = page.at(-1)
  return {
    items: page.map((r) => ({
      user: toPublicUser(r, ctx.config.jwtSecret),
      reactedAt: r.created_at.toISOString(),
    })),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCursor({ at: last.created_at, userId: last.id })
        : null,
  }
}

/**
 * `messages.list` with each message's reactions: one query for the whole page, run beside the
 * page's hydration (senders, images), so it adds no round trip.
 */
export const listMessagesWithReactions = async (
  ctx: Ctx,
  input: { chatId: string; before?: string | undefined; limit: number },
) => {
  // The page holds rows only for a member (one round trip); an empty one is asked about apart,
  // to tell an empty chat from someone else's.
  const rows = await ctx.messages.list(input.chatId, input.before, input.limit + 1, ctx.user.id)
  if (rows.length === 0) await assertMember(ctx, input.chatId, ctx.user.id)
  const page = rows.slice(0, input.limit)
  const [items, reactions] = await Promise.all([
    hydrateMessages(ctx, page),
    reactionsOf(
      ctx,
      page.flatMap((m) => (m.deleted ? [] : [m.id])),
    ),
  ])
  return {
    items: items.map((m) => ({ ...m, reactions: reactions.get(m.id) ?? [] })),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
  }
}
