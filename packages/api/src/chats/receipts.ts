import { TRPCError } from '@trpc/server'
import { isMember, listSeenBy, seenCounts, type SeenCursor } from '@messenger/db'
import type { AuthUser, Context } from '../context'
import { toPublicUser } from '../mappers'
import { assertMember } from './service'

type Ctx = Context & { user: AuthUser }

/** "Seen by N" for messages of one chat: how many other members have read each. */
export const receiptsOf = async (ctx: Ctx, input: { chatId: string; messageIds: string[] }) => {
  await assertMember(ctx, input.chatId, ctx.user.id)
  const counts = await seenCounts(ctx.db, input.chatId, ctx.user.id, input.messageIds)
  return { items: [...counts].map(([messageId, seenBy]) => ({ messageId, seenBy })) }
}

const noSuchMessage = () => new TRPCError({ code: 'NOT_FOUND', message: 'No such message' })

const encode = (c: SeenCursor) => Buffer.from(`${c.mark}.${c.userId}`).toString('base64url')
const decode = (s: string): SeenCursor => {
  const m = /^([0-9a-f-]{36})\.([0-9a-f-]{36})$/.exec(Buffer.from(s, 'base64url').toString())
  if (!m) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'cursor: not a cursor from chats.seenBy' })
  }
  return { mark: m[1]!, userId: m[2]! }
}

/** Who has read a message (its sender aside), members only, keyset-paged. */
export const seenBy = async (
  ctx: Ctx,
  input: { messageId: string; cursor?: string | undefined; limit: number },
) => {
  const cursor = input.cursor === undefined ? null : decode(input.cursor)
  const [m] = await ctx.messages.getMany([input.messageId])
  if (!m || !(await isMember(ctx.db, m.chatId, ctx.user.id))) throw noSuchMessage()
  const rows = await listSeenBy(ctx.db, m.chatId, m.id, m.senderId, cursor, input.limit + 1)
  const page = rows.slice(0, input.limit)
  const last = page.at(-1)
  return {
    items: page.map((r) => ({
      user: toPublicUser(r, ctx.config.jwtSecret),
      lastReadMessageId: r.mark!,
    })),
    nextCursor:
      rows.length > input.limit && last?.mark ? encode({ mark: last.mark, userId: last.id }) : null,
  }
}
