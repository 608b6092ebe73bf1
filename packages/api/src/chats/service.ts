import { TRPCError } from '@trpc/server'
import {
  addMembers as addMemberRows,
  advanceReadMark,
  deleteChat,
  findChat,
  findChatWithMembers,
  isMember,
  findDirectChat,
  findPublicUsers,
  hideChat,
  insertChat,
  isDuplicateKey,
  countPinnedChats,
  listChatsOfUser,
  lockChat,
  lockUserRow,
  longestMember,
  memberIds,
  removeMember as removeMemberRow,
  setChatPreferences,
  unhideChat,
  readMarkRefusal,
  seenRecipients,
  updateChat,
  type ChatCursor,
} from '@messenger/db'
import { MAX_PINNED_CHATS, type Chat } from '@messenger/shared'
import type { AuthUser, Context } from '../context'
import { publishEvents, transactWithEvents } from '../events/service'
import { newId } from '../ids'
import { writeSystemMessage } from '../messages/system'
import { hydrateChats } from './hydrate'

type Ctx = Context & { user: AuthUser }

/**
 * Passes when `userId` is a member, by one keyed read; NOT_FOUND or FORBIDDEN otherwise, as
 * assertChatMember, which reads the chat and every member (a thousand rows in a big group) and
 * runs here only on the failure path.
 */
export const assertMember = async (ctx: Context, chatId: string, userId: string) => {
  if (await isMember(ctx.db, chatId, userId)) return
  await assertChatMember(ctx, chatId, userId)
  // A member when asked again: added in between; the caller was not one when asked.
  throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of this chat' })
}

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

/** Every id names a user whose account is not deleted. */
const assertUsersExist = async (ctx: Context, ids: readonly string[], field: string) => {
  const found = new Set(
    (await findPublicUsers(ctx.db, ids)).filter((u) => u.deleted_at === null).map((u) => u.id),
  )
  const missing = [...new Set(ids)].filter((id) => !found.has(id))
  if (missing.length > 0) {
    throw new TRPCError({
      code: 'NOT_FOUND',
      message: `${field}: no such user ${missing.join(', ')}`,
    })
  }
}

/**
 * The pair's personal chat, made on first use. Only createDirect makes personal chats, so a
 * group of the same two people is never answered. A caller who had hidden the chat gets it back.
 */
export const createDirect = async (ctx: Ctx, userId: string): Promise<Chat> => {
  if (userId === ctx.user.id) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'userId: choose someone other than yourself',
    })
  }
  const existing = await findDirectChat(ctx.db, ctx.user.id, userId)
  if (existing) return reopenDirect(ctx, existing)
  await assertUsersExist(ctx, [userId], 'userId')
  const id = newId()
  const audience = [ctx.user.id, userId]
  try {
    const { events } = await transactWithEvents(ctx.db, async (trx, record) => {
      await insertChat(trx, { id, direct: { pair: [ctx.user.id, userId] } }, audience, new Date())
      record({ chatId: id, type: 'chat.updated', audience })
    })
    await publishEvents(ctx, events)
    return await chatFor(ctx, id)
  } catch (e) {
    // Both people started the chat at once: the unique key on the pair let one in; answer that one.
    if (!isDuplicateKey(e)) throw e
    const winner = await findDirectChat(ctx.db, ctx.user.id, userId)
    if (!winner) throw e
    return reopenDirect(ctx, winner)
  }
}

/** Answers an existing personal chat, first putting it back in the caller's list if they hid it. */
const reopenDirect = async (ctx: Ctx, chatId: string) => {
  const { events } = await transactWithEvents(ctx.db, async (trx, record) => {
    if (await unhideChat(trx, chatId, ctx.user.id)) {
      // The caller's other tabs and devices show it again; the other person is not told.
      record({ chatId, type: 'chat.updated', audience: [ctx.user.id], onlyFor: ctx.user.id })
    }
  })
  await publishEvents(ctx, events)
  return chatFor(ctx, chatId)
}

export const createGroup = async (ctx: Ctx, title: string, memberIds: string[]): Promise<Chat> => {
  const members = [...new Set([ctx.user.id, ...memberIds])]
  await assertUsersExist(ctx, members, 'memberIds')
  const id = newId()
  const { events } = await transactWithEvents(ctx.db, async (trx, record) => {
    const now = new Date()
    await insertChat(trx, { id, group: { title, ownerId: ctx.user.id } }, members, now)
    record({ chatId: id, type: 'chat.updated', audience: members })
    await writeSystemMessage(trx, record, {
      chatId: id,
      actorId: ctx.user.id,
      kind: 'created',
      title,
      audience: members,
      now,
    })
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

/**
 * A page of the caller's chats. The main list's first page starts with every pinned chat (there
 * are at most MAX_PINNED_CHATS), above `limit` others; the cursor walks the others only.
 */
export const listChats = async (
  ctx: Ctx,
  input: { cursor?: string | undefined; limit: number; archived: boolean },
) => {
  const cursor = input.cursor === undefined ? null : decodeCursor(input.cursor)
  const all = await listChatsOfUser(ctx.db, ctx.user.id, cursor, input.limit + 1, {
    archived: input.archived,
    pinnedMax: MAX_PINNED_CHATS,
  })
  const pinned = all.filter((r) => r.pinned_at !== null)
  const rows = all.filter((r) => r.pinned_at === null)
  const page = rows.slice(0, input.limit)
  const last = page.at(-1)
  return {
    items: await hydrateChats(ctx, ctx.user.id, [...pinned, ...page]),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCursor({ updatedAt: last.updated_at, id: last.id })
        : null,
  }
}

export const getChat = async (ctx: Ctx, chatId: string) => {
  await assertMember(ctx, chatId, ctx.user.id)
  return chatFor(ctx, chatId)
}

/** A personal chat is always its pair: nobody may grow, shrink or rename it. */
const assertGroup = (chat: { is_direct: number }, action: string) => {
  if (chat.is_direct === 1) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `chatId: a personal chat always stays between its two people; create a group to ${action}`,
    })
  }
}

const assertOwner = (chat: { owner_id: string | null }, userId: string, action: string) => {
  if (chat.owner_id !== userId) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `Only the group's owner can ${action}` })
  }
}

export const addMembers = async (ctx: Ctx, chatId: string, userIds: string[]) => {
  const { chat } = await assertChatMember(ctx, chatId, ctx.user.id)
  assertGroup(chat, 'add people')
  assertOwner(chat, ctx.user.id, 'add members')
  await assertUsersExist(ctx, userIds, 'userIds')
  const { events } = await transactWithEvents(ctx.db, async (trx, record) => {
    await lockChat(trx, chatId)
    const now = new Date()
    const added = await addMemberRows(trx, chatId, userIds, now)
    if (added.length > 0) {
      const audience = await memberIds(trx, chatId)
      record({ chatId, type: 'chat.updated', audience })
      await writeSystemMessage(trx, record, {
        chatId,
        actorId: ctx.user.id,
        kind: 'added',
        userIds: added,
        audience,
        now,
      })
    }
  })
  await publishEvents(ctx, events)
  return chatFor(ctx, chatId)
}

/**
 * Takes `userId` out of the chat in one transaction: an owner leaving hands the chat to the
 * longest-standing member; the last member leaving deletes it.
 */
export const takeOut = async (ctx: Context, chatId: string, userId: string) => {
  // Who did it: the caller (removing someone, or leaving); the person themself otherwise.
  const actorId = ctx.user?.id ?? userId
  const leaving = userId === actorId
  const { events } = await transactWithEvents(ctx.db, async (trx, record) => {
    const chat = await lockChat(trx, chatId)
    if (!chat) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such chat' })
    const now = new Date()
    if (!(await removeMemberRow(trx, chatId, userId, now))) {
      throw new TRPCError({ code: 'NOT_FOUND', message: 'userId: not a member of this chat' })
    }
    record({ chatId, type: 'chat.removed', audience: [userId], onlyFor: userId })
    const rest = await memberIds(trx, chatId)
    if (rest.length === 0) {
      // Messages go with the chat, atomically; the indexer drops its index entries after.
      await ctx.messages.deleteChat(trx, chatId)
      await deleteChat(trx, chatId)
      return
    }
    if (chat.owner_id === userId) {
      await updateChat(trx, chatId, {
        ownerId: await longestMember(trx, chatId, userId),
        updatedAt: now,
      })
    }
    record({ chatId, type: 'chat.updated', audience: rest })
    await writeSystemMessage(trx, record, {
      chatId,
      actorId,
      ...(leaving ? { kind: 'left' as const } : { kind: 'removed' as const, userIds: [userId] }),
      audience: rest,
      now,
    })
  })
  await publishEvents(ctx, events)
}

export const removeMember = async (ctx: Ctx, chatId: string, userId: string) => {
  const { chat, members } = await assertChatMember(ctx, chatId, ctx.user.id)
  assertGroup(chat, 'choose who is in it (chats.leave hides this one from your list)')
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

/**
 * Leaving a group takes the caller out of it. Leaving a personal chat hides it from the caller's
 * list: both people and the history stay, the other person is not told, and a new message (or the
 * caller's own createDirect) brings it back.
 */
export const leave = async (ctx: Ctx, chatId: string) => {
  const { chat } = await assertChatMember(ctx, chatId, ctx.user.id)
  if (chat.is_direct === 1) await hide(ctx, chatId)
  else await takeOut(ctx, chatId, ctx.user.id)
  return { ok: true as const }
}

const hide = async (ctx: Ctx, chatId: string) => {
  const { events } = await transactWithEvents(ctx.db, async (trx, record) => {
    await hideChat(trx, chatId, ctx.user.id)
    // The caller's other tabs and devices drop it from their list too.
    record({ chatId, type: 'chat.removed', audience: [ctx.user.id], onlyFor: ctx.user.id })
  })
  await publishEvents(ctx, events)
}

export const rename = async (ctx: Ctx, chatId: string, title: string) => {
  const { chat } = await assertChatMember(ctx, chatId, ctx.user.id)
  assertGroup(chat, 'give it a title')
  assertOwner(chat, ctx.user.id, 'rename it')
  const { events } = await transactWithEvents(ctx.db, async (trx, record) => {
    // Under the chat's lock, so the audience is the members at this event's place in the log.
    const current = await lockChat(trx, chatId)
    // The same title again tells nobody anything.
    if (current?.title === title) return
    const now = new Date()
    await updateChat(trx, chatId, { title, updatedAt: now })
    const audience = await memberIds(trx, chatId)
    record({ chatId, type: 'chat.updated', audience })
    await writeSystemMessage(trx, record, {
      chatId,
      actorId: ctx.user.id,
      kind: 'renamed',
      title,
      audience,
      now,
    })
  })
  await publishEvents(ctx, events)
  return chatFor(ctx, chatId)
}

/**
 * The caller's own view of a chat: muted, archived, pinned (at most MAX_PINNED_CHATS). Only the
 * caller's tabs and devices hear of it; the other members are not told.
 */
export const setPreferences = async (
  ctx: Ctx,
  input: { chatId: string; muted?: boolean; archived?: boolean; pinned?: boolean },
) => {
  await assertMember(ctx, input.chatId, ctx.user.id)
  const { events } = await transactWithEvents(ctx.db, async (trx, record) => {
    // One change of this user's at a time, so two pins at once cannot pass the limit together.
    await lockUserRow(trx, ctx.user.id)
    if (
      input.pinned === true &&
      (await countPinnedChats(trx, ctx.user.id, input.chatId)) >= MAX_PINNED_CHATS
    ) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `pinned: at most ${MAX_PINNED_CHATS} chats can be pinned; unpin one first`,
      })
    }
    if (!(await setChatPreferences(trx, input.chatId, ctx.user.id, input, new Date()))) {
      // Removed between the check and the lock.
      throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of this chat' })
    }
    record({
      chatId: input.chatId,
      type: 'chat.updated',
      audience: [ctx.user.id],
      onlyFor: ctx.user.id,
    })
  })
  await publishEvents(ctx, events)
  return chatFor(ctx, input.chatId)
}

/**
 * The hot path is three statements: a conditional UPDATE that moves the mark (checking membership
 * and that the message is in this chat), who hears of it (read receipts), and the events with
 * their commit (appendEvents). Only when the mark did not move does another query tell why. The event is not in the UPDATE's
 * transaction: a crash between them costs another tab's badge until it next loads the chat list.
 */
export const markRead = async (ctx: Ctx, chatId: string, messageId: string) => {
  const mark = {
    chatId,
    userId: ctx.user.id,
    messageId,
    // Messages always live in MySQL: the UPDATE checks the message is in this chat.
    messageInMysql: true,
  }
  if (!(await advanceReadMark(ctx.db, mark))) {
    switch (await readMarkRefusal(ctx.db, mark)) {
      case 'no-chat':
        throw new TRPCError({ code: 'NOT_FOUND', message: 'No such chat' })
      case 'not-member':
        throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of this chat' })
      case 'no-message':
        throw noSuchMessage()
      case null:
        // Read that far already: nothing changed, nobody to tell.
        return { ok: true as const }
    }
  }
  // The reader's other tabs and devices move their unread badge. The event takes its id from the
  // commit-ordered counter like every other, in a transaction of its own.
  // Read receipts: the people whose "seen" marks change hear of it too (seenRecipients).
  const { events } = await transactWithEvents(ctx.db, async (trx, record) => {
    record({
      chatId,
      type: 'chat.read',
      audience: [ctx.user.id],
      onlyFor: ctx.user.id,
      readMessageId: messageId,
    })
    for (const to of await seenRecipients(trx, chatId, ctx.user.id, messageId)) {
      record({
        chatId,
        type: 'chat.seen',
        audience: [to],
        onlyFor: to,
        readMessageId: messageId,
        detail: { readerId: ctx.user.id },
      })
    }
  })
  await publishEvents(ctx, events)
  return { ok: true as const }
}

const noSuchMessage = () =>
  new TRPCError({ code: 'NOT_FOUND', message: 'messageId: no such message in this chat' })
