import { TRPCError } from '@trpc/server'
import { lockChat, memberIds, releaseAttachments, replaceMentions } from '@messenger/db'
import type { Message, SendMessageInput } from '@messenger/shared'
import { assertChatMember, assertMember } from '../chats/service'
import type { AuthUser, Context } from '../context'
import { publishEvents, transactWithEvents, type PendingEvent } from '../events/service'
import { newId } from '../ids'
import { assertOwnFiles } from '../files/service'
import { assertOwnImages } from '../images/service'
import { hydrateMessages } from './hydrate'
import type { StoredMessage } from './store'

type Ctx = Context & { user: AuthUser }

const one = async (ctx: Ctx, m: StoredMessage) =>
  (await hydrateMessages(ctx, [m], ctx.user.profile ? [ctx.user.profile] : []))[0]!

/**
 * Stores the message and its event in one transaction, then publishes. Sending again with the same
 * clientId answers the first message and stores nothing.
 */
export const sendMessage = async (ctx: Ctx, input: SendMessageInput): Promise<Message> => {
  // Membership is checked by the store under the chat's lock (one round trip on the hot path);
  // the lookup below runs only to tell an unknown chat from someone else's.
  const imageIds = [...new Set(input.imageIds ?? [])]
  const fileIds = [...new Set(input.fileIds ?? [])]
  await Promise.all([
    assertOwnImages(ctx, ctx.user.id, imageIds),
    assertOwnFiles(ctx, ctx.user.id, fileIds),
  ])
  if (input.replyToId !== undefined) await assertAnswerable(ctx, input.chatId, input.replyToId)
  const now = new Date()
  const draft: StoredMessage = {
    id: newId(),
    chatId: input.chatId,
    senderId: ctx.user.id,
    clientId: input.clientId,
    text: input.text ?? null,
    imageIds,
    fileIds,
    createdAt: now,
    editedAt: null,
    deleted: false,
    replyToId: input.replyToId ?? null,
    system: null,
  }
  const stored = await ctx.messages.create(draft)
  if (stored.status === 'not_member') {
    await assertChatMember(ctx, input.chatId, ctx.user.id)
    // A member when asked again: removed and added back while the message was being stored.
    throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of this chat' })
  }
  if (stored.status === 'closed') throw closedChat()
  const { message } = stored
  const events: PendingEvent[] =
    stored.status === 'duplicate'
      ? []
      : [
          {
            id: stored.eventId,
            chatId: draft.chatId,
            type: 'message.created',
            audience: stored.members,
            messageId: draft.id,
          },
        ]
  if (message.chatId !== input.chatId) {
    throw new TRPCError({
      code: 'CONFLICT',
      message: 'clientId: already used for a message in another chat',
    })
  }
  const answer = await one(ctx, message)
  await publishEvents(ctx, events, [answer])
  return answer
}

/** A personal chat with a deleted account keeps its history and takes nothing new. */
export const closedChat = () =>
  new TRPCError({
    code: 'FORBIDDEN',
    message: 'chatId: the other person deleted their account; this chat takes no new messages',
  })

/** A reply answers a live message of its own chat. */
const assertAnswerable = async (ctx: Ctx, chatId: string, replyToId: string) => {
  const [target] = await ctx.messages.getMany([replyToId])
  // An outsider learns nothing about the chat's messages: membership first on the failure paths.
  if (target?.chatId !== chatId || target.deleted) await assertChatMember(ctx, chatId, ctx.user.id)
  if (target?.chatId !== chatId) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'replyToId: no such message in this chat',
    })
  }
  if (target.deleted) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'replyToId: that message was deleted' })
  }
  if (target.system) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'replyToId: a system message cannot be answered',
    })
  }
}

/** The caller's own message: NOT_FOUND if they cannot see it, FORBIDDEN if it is someone else's. */
const ownMessage = async (ctx: Ctx, messageId: string) => {
  const [m] = await ctx.messages.getMany([messageId])
  if (!m) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such message' })
  await assertMember(ctx, m.chatId, ctx.user.id).catch(() => {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'No such message' })
  })
  if (m.system) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'messageId: a system message cannot be edited or deleted',
    })
  }
  if (m.senderId !== ctx.user.id) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only the sender can change a message' })
  }
  if (m.deleted) throw new TRPCError({ code: 'NOT_FOUND', message: 'This message was deleted' })
  return { message: m }
}

const change = async (ctx: Ctx, messageId: string, patch: (m: StoredMessage) => StoredMessage) => {
  const { message } = await ownMessage(ctx, messageId)
  const next = patch(message)
  const { events, result: released } = await transactWithEvents(ctx.db, async (trx, record) => {
    // Under the chat's lock, so the audience is the members at this event's place in the log.
    await lockChat(trx, next.chatId)
    await ctx.messages.update(trx, next)
    // Mentions follow the text: an edit stores them again, a delete drops them.
    if (!next.forwardedFromId) {
      await replaceMentions(trx, {
        id: next.id,
        chatId: next.chatId,
        senderId: next.senderId,
        text: next.deleted ? null : next.text,
        hadMentions: message.text?.includes('@') ?? false,
      })
    }
    // A deleted message holds its attachments no longer; those no other message holds go.
    const gone = next.deleted
      ? await releaseAttachments(trx, next.id, [...message.imageIds, ...message.fileIds])
      : { images: [], files: [] }
    record({
      chatId: next.chatId,
      type: next.deleted ? 'message.deleted' : 'message.updated',
      audience: await memberIds(trx, next.chatId),
      messageId: next.id,
    })
    return gone
  })
  await removeReleased(ctx, released)
  const answer = await one(ctx, next)
  await publishEvents(ctx, events, [answer])
  return answer
}

/** Files of released attachments, after their rows went; what fails here the sweep retries. */
const removeReleased = async (ctx: Ctx, released: { images: string[]; files: string[] }) => {
  await Promise.all([
    ...released.images.map((id) => ctx.images.remove(id)),
    ...released.files.map((id) => ctx.files.remove(id)),
  ]).catch((err: unknown) => {
    ctx.log.warn({ err }, 'could not remove the files of a deleted message; the sweep will')
  })
}

/** A forward cannot be edited: it would put other words under its author's name. */
export const editMessage = (ctx: Ctx, messageId: string, text: string) =>
  change(ctx, messageId, (m) => {
    if (m.forwardedFromId) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: 'messageId: a forwarded message cannot be edited',
      })
    }
    return { ...m, text, editedAt: new Date() }
  })

/** Leaves a tombstone: the message keeps its place in history without text or images. */
export const deleteMessage = async (ctx: Ctx, messageId: string) => {
  await change(ctx, messageId, (m) => ({
    ...m,
    text: null,
    imageIds: [],
    fileIds: [],
    deleted: true,
  }))
  return { ok: true as const }
}

export { searchMessages } from './search'
export { forwardMessage } from './forward'
export { hideMessage } from './hide'
