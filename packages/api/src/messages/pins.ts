import { TRPCError } from '@trpc/server'
import { deletePin, insertPin, listPins, lockChat, memberIds, type PinCursor } from '@messenger/db'
import type { PinnedMessage } from '@messenger/shared'
import { assertChatMember, assertMember } from '../chats/service'
import type { AuthUser, Context } from '../context'
import { publishEvents, transactWithEvents } from '../events/service'
import { hydrateMessages } from './hydrate'

type Ctx = Context & { user: AuthUser }

const noSuchMessage = () => new TRPCError({ code: 'NOT_FOUND', message: 'No such message' })

/**
 * Pins or unpins a message for everyone in its chat: the owner does it in a group, either person
 * in a personal chat. Members hear of it live and on replay; a repeat changes nothing and says
 * nothing.
 */
export const setPinned = async (ctx: Ctx, messageId: string, pinned: boolean) => {
  const [m] = await ctx.messages.getMany([messageId])
  if (!m) throw noSuchMessage()
  const { chat } = await assertChatMember(ctx, m.chatId, ctx.user.id).catch(() => {
    throw noSuchMessage()
  })
  if (chat.is_direct !== 1 && chat.owner_id !== ctx.user.id) {
    throw new TRPCError({ code: 'FORBIDDEN', message: "Only the group's owner can pin messages" })
  }
  if (pinned && m.deleted) {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'This message was deleted' })
  }
  if (pinned && m.system) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'messageId: a system message cannot be pinned',
    })
  }
  const { events } = await transactWithEvents(ctx.db, async (trx, record) => {
    // Under the chat's lock, so the audience is the members at this event's place in the log.
    await lockChat(trx, m.chatId)
    const changed = pinned
      ? await insertPin(trx, {
          chatId: m.chatId,
          messageId,
          userId: ctx.user.id,
          now: new Date(),
        })
      : await deletePin(trx, m.chatId, messageId)
    if (changed) {
      record({
        chatId: m.chatId,
        type: pinned ? 'message.pinned' : 'message.unpinned',
        audience: await memberIds(trx, m.chatId),
        messageId,
      })
    }
  })
  await publishEvents(ctx, events)
  return { ok: true as const }
}

const encodeCursor = (c: PinCursor) =>
  Buffer.from(`${c.pinnedAt.getTime()}.${c.messageId}`).toString('base64url')
const decodeCursor = (s: string): PinCursor => {
  const m = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(Buffer.from(s, 'base64url').toString())
  if (!m) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'cursor: not a cursor from messages.pinned',
    })
  }
  return { pinnedAt: new Date(Number(m[1])), messageId: m[2]! }
}

/** A page of the chat's pinned messages, the latest pinned first, for its members. */
export const listPinned = async (
  ctx: Ctx,
  input: { chatId: string; cursor?: string | undefined; limit: number },
) => {
  await assertMember(ctx, input.chatId, ctx.user.id)
  const cursor = input.cursor === undefined ? null : decodeCursor(input.cursor)
  const rows = await listPins(ctx.db, input.chatId, cursor, input.limit + 1)
  const page = rows.slice(0, input.limit)
  const messages = new Map(
    (await hydrateMessages(ctx, await ctx.messages.getMany(page.map((r) => r.message_id)))).map(
      (m) => [m.id, m],
    ),
  )
  const items = page.flatMap((r): PinnedMessage[] => {
    const message = messages.get(r.message_id)
    return message ? [{ message, pinnedBy: r.pinned_by, pinnedAt: r.pinned_at.toISOString() }] : []
  })
  const last = page.at(-1)
  return {
    items,
    nextCursor:
      rows.length > input.limit && last
        ? encodeCursor({ pinnedAt: last.pinned_at, messageId: last.message_id })
        : null,
  }
}
