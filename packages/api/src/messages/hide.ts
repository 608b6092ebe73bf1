import { TRPCError } from '@trpc/server'
import { hideMessageFor, isMember } from '@messenger/db'
import type { AuthUser, Context } from '../context'
import { publishEvents, transactWithEvents } from '../events/service'

type Ctx = Context & { user: AuthUser }

/**
 * Delete for me: the message leaves the caller's history, search, unread counts and chat list
 * preview; nobody else's. Any message of a chat they are in, anyone's, deleted for everyone or not.
 * Their tabs and devices hear `message.hidden` and the chat as it now is for them (`chat.updated`,
 * for its preview and counts), both logged for them alone so a resumed stream replays them.
 */
export const hideMessage = async (ctx: Ctx, messageId: string) => {
  const [m] = await ctx.messages.getMany([messageId])
  if (!m || !(await isMember(ctx.db, m.chatId, ctx.user.id))) {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'messageId: no such message' })
  }
  const me = ctx.user.id
  const { events } = await transactWithEvents(ctx.db, async (trx, record) => {
    if (await hideMessageFor(trx, { userId: me, chatId: m.chatId, messageId, now: new Date() })) {
      record({
        chatId: m.chatId,
        type: 'message.hidden',
        audience: [me],
        onlyFor: me,
        detail: { hiddenMessageId: messageId },
      })
      record({ chatId: m.chatId, type: 'chat.updated', audience: [me], onlyFor: me })
    }
  })
  await publishEvents(ctx, events)
  return { ok: true as const }
}
