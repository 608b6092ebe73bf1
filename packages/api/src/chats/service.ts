import { TRPCError } from '@trpc/server'
import {
  addMembers as addMemberRows,
  deleteChat,
  directKey,
  findChat,
  findChatWithMembers,
  findPublicUsers,
  findTwoMemberChat,
  insertChat,
  isDuplicateKey,
  listChatsOfUser,
  lockChat,
  longestMember,
  markRead as markReadRow,
  memberIds,
  removeMember as removeMemberRow,
  updateChat,
  type ChatCursor,
} from '@messenger/db'
import type { Chat } from '@messenger/shared'
import type { AuthUser, Context } from '../context'
import { publishEvents, recordEvent, type PendingEvent } from '../events/service'
import { newId } from '../ids'
import { hydrateChats } from './hydrate'

type Ctx = Context & { user: AuthUser }

/** The chat and its member ids when the caller is a member: NOT_FOUND or FORBIDDEN otherwise. */
export const assertChatMember = async (ctx: Context, chatId: string, userId: string) => {
  const found = await findChatWithMembers(ctx.db, chatId)
  if (!found) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such chat' })
  const { chat, members } = found
  if (!members.includes(userId)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of this chat' })
  }
  return { chat, members }
}

const chatFor = async (ctx: Ctx, chatId: string): Promise<Chat> => {
  const row = await findChat(ctx.db, chatId)
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such chat' })
  const [chat] = await hydrateChats(ctx, ctx.user.id, [row])
  return chat!
}

const assertUsersExist = async (ctx: Context, ids: readonly string[], field: string) => {
  const found = new Set((await findPublicUsers(ctx.db, ids)).map((u) => u.id))
  const missing = [...new Set(ids)].filter((id) => !found.has(id))
  if (missing.length > 0) {
    throw new TRPCError({
      code: 'NOT_FOUND',
      message: `${field}: no such user ${missing.join(', ')}`,
    })
  }
}

export const createDirect = async (ctx: Ctx, userId: string): Promise<Chat> => {
  if (userId === ctx.user.id) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'userId: choose someone other than yourself',
    })
  }
  await assertUsersExist(ctx, [userId], 'userId')
  const existing = await findTwoMemberChat(ctx.db, ctx.user.id, userId)
  if (existing) return chatFor(ctx, existing)
  const id = newId()
  const audience = [ctx.user.id, userId]
  try {
    const events = await ctx.db.transaction().execute(async (trx) => {
      await insertChat(
        trx,
        { id, title: null, ownerId: null, directKey: directKey(ctx.user.id, userId) },
        audience,
        new Date(),
      )
      return [await recordEvent(trx, { chatId: id, type: 'chat.updated', audience })]
    })
    await publishEvents(ctx, events)
    return await chatFor(ctx, id)
  } catch (e) {
    // Both people started the chat at once: the unique direct key let one in; answer that one.
    if (!isDuplicateKey(e)) throw e
    const winner = await findTwoMemberChat(ctx.db, ctx.user.id, userId)
    if (!winner) throw e
    return chatFor(ctx, winner)
  }
}

export const createGroup = async (ctx: Ctx, title: string, memberIds: string[]): Promise<Chat> => {
  const members = [...new Set([ctx.user.id, ...memberIds])]
  await assertUsersExist(ctx, members, 'memberIds')
  const id = newId()
  const events = await ctx.db.transaction().execute(async (trx) => {
    await insertChat(trx, { id, title, ownerId: ctx.user.id, directKey: null }, members, new Date())
    return [await recordEvent(trx, { chatId: id, type: 'chat.updated', audience: members })]
  })
  await publishEvents(ctx, events)
  return chatFor(ctx, id)
}

const encodeCursor = (c: ChatCursor) =>
  Buffer.from(`${c.updatedAt.getTime()}.${c.id}`).toString('base64url')
const decodeCursor = (s: string): ChatCursor => {
  const m = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(Buffer.from(s, 'base64url').toString())
  if (!m)
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'cursor: not a cursor from chats.list' })
  return { updatedAt: new Date(Number(m[1])), id: m[2]! }
}

export const listChats = async (
  ctx: Ctx,
  input: { cursor?: string | undefined; limit: number },
) => {
  const cursor = input.cursor === undefined ? null : decodeCursor(input.cursor)
  const rows = await listChatsOfUser(ctx.db, ctx.user.id, cursor, input.limit + 1)
  const page = rows.slice(0, input.limit)
  const last = page.at(-1)
  return {
    items: await hydrateChats(ctx, ctx.user.id, page),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCursor({ updatedAt: last.updated_at, id: last.id })
        : null,
  }
}

export const getChat = async (ctx: Ctx, chatId: string) => {
  await assertChatMember(ctx, chatId, ctx.user.id)
  return chatFor(ctx, chatId)
}

const assertOwner = (chat: { owner_id: string | null }, userId: string, action: string) => {
  if (chat.owner_id !== userId) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message:
        chat.owner_id === null
          ? `A personal chat has no owner: create a group to ${action}`
          : `Only the group's owner can ${action}`,
    })
  }
}

export const addMembers = async (ctx: Ctx, chatId: string, userIds: string[]) => {
  const { chat } = await assertChatMember(ctx, chatId, ctx.user.id)
  assertOwner(chat, ctx.user.id, 'add members')
  await assertUsersExist(ctx, userIds, 'userIds')
  const events = await ctx.db.transaction().execute(async (trx) => {
    await lockChat(trx, chatId)
    const added = await addMemberRows(trx, chatId, userIds, new Date())
    if (added.length === 0) return []
    return [
      await recordEvent(trx, {
        chatId,
        type: 'chat.updated',
        audience: await memberIds(trx, chatId),
      }),
    ]
  })
  await publishEvents(ctx, events)
  return chatFor(ctx, chatId)
}

/**
 * Takes `userId` out of the chat in one transaction: an owner leaving hands the chat to the
 * longest-standing member; the last member leaving deletes it.
 */
const takeOut = async (ctx: Ctx, chatId: string, userId: string) => {
  const { events, deleted } = await ctx.db.transaction().execute(async (trx) => {
    const chat = await lockChat(trx, chatId)
    if (!chat) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such chat' })
    const now = new Date()
    if (!(await removeMemberRow(trx, chatId, userId, now))) {
      throw new TRPCError({ code: 'NOT_FOUND', message: 'userId: not a member of this chat' })
    }
    const removed = await recordEvent(trx, {
      chatId,
      type: 'chat.removed',
      audience: [userId],
      onlyFor: userId,
    })
    const rest = await memberIds(trx, chatId)
    if (rest.length === 0) {
      await deleteChat(trx, chatId)
      return { events: [removed], deleted: true }
    }
    if (chat.owner_id === userId) {
      await updateChat(trx, chatId, {
        ownerId: await longestMember(trx, chatId, userId),
        updatedAt: now,
      })
    }
    const updated = await recordEvent(trx, { chatId, type: 'chat.updated', audience: rest })
    return { events: [removed, updated] satisfies PendingEvent[], deleted: false }
  })
  if (deleted) await ctx.messages.deleteChat(chatId)
  await publishEvents(ctx, events)
}

export const removeMember = async (ctx: Ctx, chatId: string, userId: string) => {
  const { chat, members } = await assertChatMember(ctx, chatId, ctx.user.id)
  if (userId !== ctx.user.id) assertOwner(chat, ctx.user.id, 'remove other members')
  if (!members.includes(userId)) {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'userId: not a member of this chat' })
  }
  await takeOut(ctx, chatId, userId)
  if (userId === ctx.user.id) {
    // The caller left: they can no longer see the chat, so answer it as it was for them.
    return { ...(await hydrateChats(ctx, ctx.user.id, [chat]))[0]!, members: [] }
  }
  return chatFor(ctx, chatId)
}

export const leave = async (ctx: Ctx, chatId: string) => {
  await assertChatMember(ctx, chatId, ctx.user.id)
  await takeOut(ctx, chatId, ctx.user.id)
  return { ok: true as const }
}

export const rename = async (ctx: Ctx, chatId: string, title: string) => {
  const { chat, members } = await assertChatMember(ctx, chatId, ctx.user.id)
  assertOwner(chat, ctx.user.id, 'rename it')
  const events = await ctx.db.transaction().execute(async (trx) => {
    await updateChat(trx, chatId, { title, updatedAt: new Date() })
    return [await recordEvent(trx, { chatId, type: 'chat.updated', audience: members })]
  })
  await publishEvents(ctx, events)
  return chatFor(ctx, chatId)
}

export const markRead = async (ctx: Ctx, chatId: string, messageId: string) => {
  await assertChatMember(ctx, chatId, ctx.user.id)
  const [message] = await ctx.messages.getMany([messageId])
  if (message?.chatId !== chatId) {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'messageId: no such message in this chat' })
  }
  await markReadRow(ctx.db, chatId, ctx.user.id, messageId)
  // The reader's other tabs and devices update their unread badge.
  const event = await recordEvent(ctx.db, {
    chatId,
    type: 'chat.updated',
    audience: [ctx.user.id],
    onlyFor: ctx.user.id,
  })
  await publishEvents(ctx, [event])
  return { ok: true as const }
}
