import { TRPCError } from '@trpc/server'
import {
  insertForwardedMessage,
  isChatClosed,
  isDuplicateKey,
  isMember,
  linkAttachments,
} from '@messenger/db'
import type { ForwardMessageInput, Message } from '@messenger/shared'
import { assertMember } from '../chats/service'
import type { AuthUser, Context } from '../context'
import { publishEvents, transactWithEvents } from '../events/service'
import { newId } from '../ids'
import { hydrateMessages } from './hydrate'
import { toRow } from './mysql-store'
import { closedChat } from './service'
import type { StoredMessage } from './store'

type Ctx = Context & { user: AuthUser }

const noSuchMessage = () =>
  new TRPCError({ code: 'NOT_FOUND', message: 'messageId: no such message' })

/**
 * Forwards a message of a chat the caller is in to another chat they are in, as their own message
 * there that says whose it was. The text and the image and file ids are copied: images are served by signed
 * URLs to whoever may see a message that holds them, so the target's members see them from now
 * on. A forward of a forward names the first author. Idempotent on clientId, like messages.send.
 */
export const forwardMessage = async (ctx: Ctx, input: ForwardMessageInput): Promise<Message> => {
  const [source] = await ctx.messages.getMany([input.messageId])
  // Not a member of the source chat: the same answer as for a message that does not exist.
  if (!source || !(await isMember(ctx.db, source.chatId, ctx.user.id))) throw noSuchMessage()
  if (source.deleted) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'messageId: that message was deleted' })
  }
  if (source.system) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'messageId: a system message cannot be forwarded',
    })
  }
  await assertMember(ctx, input.chatId, ctx.user.id)
  const again = await ctx.messages.findByClientId(ctx.user.id, input.clientId)
  if (again) return answerAgain(ctx, again, input.chatId)
  const draft: StoredMessage = {
    id: newId(),
    chatId: input.chatId,
    senderId: ctx.user.id,
    clientId: input.clientId,
    text: source.text,
    imageIds: source.imageIds,
    fileIds: source.fileIds,
    createdAt: new Date(),
    editedAt: null,
    deleted: false,
    replyToId: null,
    forwardedFromId: source.forwardedFromId ?? source.id,
    forwardedSenderId: source.forwardedSenderId ?? source.senderId,
    system: null,
  }
  try {
    const { events } = await transactWithEvents(ctx.db, async (trx, record) => {
      // Share-locked: the audience is the members at this event's place in the log.
      const members = (await ctx.members.read(trx, draft.chatId, true))?.ids ?? []
      if (!members.includes(ctx.user.id)) {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of this chat' })
      }
      if (await isChatClosed(trx, draft.chatId)) throw closedChat()
      await insertForwardedMessage(trx, toRow(draft))
      // The forward holds the images and files too: deleting the original keeps them.
      await linkAttachments(trx, draft.id, [...draft.imageIds, ...draft.fileIds])
      record({
        chatId: draft.chatId,
        type: 'message.created',
        audience: members,
        messageId: draft.id,
      })
    })
    const [answer] = await hydrateMessages(ctx, [draft], ctx.user.profile ? [ctx.user.profile] : [])
    await publishEvents(ctx, events, [answer!])
    return answer!
  } catch (e) {
    // The same clientId sent twice at once: the unique key let one in; answer that one.
    if (!isDuplicateKey(e)) throw e
    const winner = await ctx.messages.findByClientId(ctx.user.id, input.clientId)
    if (!winner) throw e
    return answerAgain(ctx, winner, input.chatId)
  }
}

const answerAgain = async (ctx: Ctx, m: StoredMessage, chatId: string) => {
  if (m.chatId !== chatId) {
    throw new TRPCError({
      code: 'CONFLICT',
      message: 'clientId: already used for a message in another chat',
    })
  }
  return (await hydrateMessages(ctx, [m]))[0]!
}
