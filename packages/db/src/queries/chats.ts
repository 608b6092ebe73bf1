import { sql, type Transaction } from 'kysely'
import type { Db } from '../client'
import type { Database } from '../database'

export type Executor = Db | Transaction<Database>

/** The unique key of a pair's personal chat, in either order. */
export const directKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`)

const chatColumns = [
  'chats.id',
  'chats.is_direct',
  'chats.title',
  'chats.owner_id',
  'chats.direct_key',
  'chats.member_count',
  'chats.last_message_id',
  'chats.created_at',
  'chats.updated_at',
  'chats.avatar_id',
] as const

export const findChat = (db: Executor, chatId: string) =>
  db.selectFrom('chats').select(chatColumns).where('id', '=', chatId).executeTakeFirst()

/** The chat and its member ids in one round trip; null for an unknown chat. */
export const findChatWithMembers = async (db: Executor, chatId: string) => {
  const rows = await db
    .selectFrom('chats')
    .leftJoin('chat_members', 'chat_members.chat_id', 'chats.id')
    .select([...chatColumns, 'chat_members.user_id'])
    .where('chats.id', '=', chatId)
    .execute()
  const first = rows[0]
  if (!first) return null
  const { user_id: _, ...chat } = first
  return { chat, members: rows.flatMap((r) => (r.user_id === null ? [] : [r.user_id])) }
}

/**
 * Whether the chat is closed (a personal chat with a deleted account), share-locked until the
 * transaction ends: it cannot close before a message written in it commits.
 */
export const isChatClosed = async (trx: Transaction<Database>, chatId: string) =>
  (
    await sql<{
      closed_at: Date | null
    }>`SELECT closed_at FROM chats WHERE id = ${chatId} LOCK IN SHARE MODE`.execute(trx)
  ).rows[0]?.closed_at != null

/** Closes the person's personal chats: they keep their history and take no new messages. */
export const closePersonalChatsOf = (db: Executor, userId: string, now: Date) =>
  sql`UPDATE chats SET closed_at = ${now}
    WHERE is_direct = 1 AND closed_at IS NULL
      AND id IN (SELECT chat_id FROM chat_members WHERE user_id = ${userId})`.execute(db)

/** The chat row, locked for update until the transaction ends. */
export const lockChat = (trx: Transaction<Database>, chatId: string) =>
  trx
    .selectFrom('chats')
    .select(chatColumns)
    .where('id', '=', chatId)
    .forUpdate()
    .executeTakeFirst()

/** The pair's personal chat (made by createDirect); groups never count, whatever their size. */
export const findDirectChat = async (db: Executor, a: string, b: string) =>
  (
    await db
      .selectFrom('chats')
      .select('id')
      .where('direct_key', '=', directKey(a, b))
      .executeTakeFirst()
  )?.id ?? null

export const insertChat = async (
  trx: Executor,
  chat:
    | { id: string; direct: { pair: readonly [string, string] } }
    | { id: string; group: { title: string; ownerId: string } },
  memberIds: readonly string[],
  now: Date,
) => {
  await trx
    .insertInto('chats')
    .values({
      id: chat.id,
      is_direct: 'direct' in chat ? 1 : 0,
      title: 'group' in chat ? chat.group.title : null,
      owner_id: 'group' in chat ? chat.group.ownerId : null,
      direct_key: 'direct' in chat ? directKey(...chat.direct.pair) : null,
      member_count: memberIds.length,
      created_at: now,
      updated_at: now,
    })
    .execute()
  await trx
    .insertInto('chat_members')
    .values(
      memberIds.map((user_id, i) => ({
        chat_id: chat.id,
        user_id,
        joined_at: new Date(now.getTime() + i),
      })),
    )
    .execute()
}

export const isMember = async (db: Executor, chatId: string, userId: string) =>
  (await db
    .selectFrom('chat_members')
    .select('user_id')
    .where('chat_id', '=', chatId)
    .where('user_id', '=', userId)
    .executeTakeFirst()) !== undefined

export const membership = (db: Executor, chatId: string, userId: string) =>
  db
    .selectFrom('chat_members')
    .select(['joined_at', 'last_read_message_id'])
    .where('chat_id', '=', chatId)
    .where('user_id', '=', userId)
    .executeTakeFirst()

/** Members of each chat with their public fields, oldest member first. */
export const listMembers = async (db: Executor, chatIds: readonly string[]) =>
  chatIds.length === 0
    ? []
    : db
        .selectFrom('chat_members')
        .innerJoin('users', 'users.id', 'chat_members.user_id')
        .select([
          'chat_members.chat_id',
          'chat_members.joined_at',
          'chat_members.last_read_message_id',
          'chat_members.muted',
          'chat_members.archived',
          'chat_members.pinned_at',
          'users.id',
          'users.login',
          'users.first_name',
          'users.last_name',
          'users.deleted_at',
          'users.avatar_id',
        ])
        .where('chat_members.chat_id', 'in', [...chatIds])
        .orderBy('chat_members.chat_id')
        .orderBy('chat_members.joined_at')
        .orderBy('users.id')
        .execute()

export const memberIds = async (db: Executor, chatId: string) =>
  (
    await db.selectFrom('chat_members').select('user_id').where('chat_id', '=', chatId).execute()
  ).map((r) => r.user_id)

/** Member ids of each chat, in one query. */
export const memberIdsOfChats = async (db: Executor, chatIds: readonly string[]) => {
  const out = new Map<string, string[]>()
  if (chatIds.length === 0) return out
  const rows = await db
    .selectFrom('chat_members')
    .select(['chat_id', 'user_id'])
    .where('chat_id', 'in', [...new Set(chatIds)])
    .execute()
  for (const r of rows) {
    const list = out.get(r.chat_id)
    if (list) list.push(r.user_id)
    else out.set(r.chat_id, [r.user_id])
  }
  return out
}

export const chatIdsOfUser = async (db: Executor, userId: string) =>
  (
    await db.selectFrom('chat_members').select('chat_id').where('user_id', '=', userId).execute()
  ).map((r) => r.chat_id)

export interface ChatCursor {
  updatedAt: Date
  id: string
}

/** A personal chat the member hid stays out of every list until its last message changes. */
const notHidden = sql<boolean>`(chat_members.hidden = 0
  OR NOT (chats.last_message_id <=> chat_members.hidden_last_message_id))`

/**
 * The caller's chats in the main list (or the archive), latest activity first, keyset-paged on
 * (updated_at, id) over the unpinned ones. The main list's first page (no cursor) also holds every
 * pinned chat, first, in the same statement: there are at most `pinnedMax` of them, so it asks for
 * that many rows more and the caller splits them off by `pinned_at`.
 */
export const listChatsOfUser = (
  db: Executor,
  userId: string,
  cursor: ChatCursor | null,
  limit: number,
  o: { archived?: boolean; pinnedMax?: number } = {},
) => {
  const withPinned = cursor === null && !o.archived && (o.pinnedMax ?? 0) > 0
  return db
    .selectFrom('chat_members')
    .innerJoin('chats', 'chats.id', 'chat_members.chat_id')
    .select([...chatColumns, 'chat_members.pinned_at'])
    .where('chat_members.user_id', '=', userId)
    .where('chat_members.archived', '=', o.archived ? 1 : 0)
    .where(notHidden)
    .$if(!withPinned, (q) => q.where('chat_members.pinned_at', 'is', null))
    .$if(cursor !== null, (q) =>
      q.where(sql<boolean>`(chats.updated_at, chats.id) < (${cursor!.updatedAt}, ${cursor!.id})`),
    )
    .orderBy(sql`chat_members.pinned_at IS NULL`)
    .orderBy('chats.updated_at', 'desc')
    .orderBy('chats.id', 'desc')
    .limit(limit + (withPinned ? o.pinnedMax! : 0))
    .execute()
}

/** How many chats the user has pinned, other than `exceptChatId`. */
export const countPinnedChats = async (db: Executor, userId: string, exceptChatId: string) =>
  Number(
    (
      await db
        .selectFrom('chat_members')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', userId)
        .where('pinned_at', 'is not', null)
        .where('chat_id', '!=', exceptChatId)
        .executeTakeFirstOrThrow()
    ).n,
  )

/**
 * Sets a member's own view of a chat: archiving unpins, pinning unarchives. False when the user
 * is not a member.
 */
export const setChatPreferences = async (
  db: Executor,
  chatId: string,
  userId: string,
  p: { muted?: boolean | undefined; archived?: boolean | undefined; pinned?: boolean | undefined },
  now: Date,
) => {
  const r = await db
    .updateTable('chat_members')
    .set({
      ...(p.muted !== undefined && { muted: p.muted ? 1 : 0 }),
      ...(p.archived !== undefined && { archived: p.archived ? 1 : 0 }),
      ...(p.archived === true && { pinned_at: null }),
      ...(p.pinned === false && { pinned_at: null }),
      ...(p.pinned === true && {
        archived: 0,
        pinned_at: sql<Date>`COALESCE(pinned_at, ${now})`,
      }),
    })
    .where('chat_id', '=', chatId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}

/** Adds members who are not in yet; returns the ids actually added. */
export const addMembers = async (
  trx: Transaction<Database>,
  chatId: string,
  userIds: readonly string[],
  now: Date,
) => {
  const existing = new Set(await memberIds(trx, chatId))
  const fresh = [...new Set(userIds)].filter((id) => !existing.has(id))
  if (fresh.length === 0) return []
  await trx
    .insertInto('chat_members')
    .values(
      fresh.map((user_id, i) => ({
        chat_id: chatId,
        user_id,
        joined_at: new Date(now.getTime() + i),
      })),
    )
    .execute()
  await syncMemberCount(trx, chatId, now)
  return fresh
}

export const removeMember = async (
  trx: Transaction<Database>,
  chatId: string,
  userId: string,
  now: Date,
) => {
  const r = await trx
    .deleteFrom('chat_members')
    .where('chat_id', '=', chatId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  if (r.numDeletedRows > 0n) await syncMemberCount(trx, chatId, now)
  return r.numDeletedRows > 0n
}

/** Recounts a group's members (a personal chat's pair never changes). */
const syncMemberCount = async (trx: Transaction<Database>, chatId: string, now: Date) => {
  await sql`UPDATE chats SET
      member_count = (SELECT COUNT(*) FROM chat_members WHERE chat_id = ${chatId}),
      updated_at = ${now}
    WHERE id = ${chatId}`.execute(trx)
}

/**
 * Takes a personal chat out of the member's list until its last message changes, and marks
 * everything in it read, so a message that brings it back counts as the only unread one.
 */
export const hideChat = async (db: Executor, chatId: string, userId: string) => {
  await sql`UPDATE chat_members m JOIN chats c ON c.id = m.chat_id SET
      m.hidden = 1,
      m.hidden_last_message_id = c.last_message_id,
      m.last_read_message_id = IF(m.last_read_message_id IS NULL
        OR m.last_read_message_id < c.last_message_id, c.last_message_id, m.last_read_message_id)
    WHERE m.chat_id = ${chatId} AND m.user_id = ${userId}`.execute(db)
}

/** Puts a hidden chat back in the member's list; true when it was hidden. */
export const unhideChat = async (db: Executor, chatId: string, userId: string) => {
  const r = await db
    .updateTable('chat_members')
    .set({ hidden: 0, hidden_last_message_id: null })
    .where('chat_id', '=', chatId)
    .where('user_id', '=', userId)
    .where('hidden', '=', 1)
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}

export const updateChat = (
  trx: Executor,
  chatId: string,
  patch: { title?: string; ownerId?: string | null; updatedAt: Date; lastMessageId?: string },
) =>
  trx
    .updateTable('chats')
    .set({
      updated_at: patch.updatedAt,
      ...(patch.title !== undefined && { title: patch.title }),
      ...(patch.ownerId !== undefined && { owner_id: patch.ownerId }),
      ...(patch.lastMessageId !== undefined && { last_message_id: patch.lastMessageId }),
    })
    .where('id', '=', chatId)
    .execute()

export const deleteChat = (trx: Executor, chatId: string) =>
  trx.deleteFrom('chats').where('id', '=', chatId).execute()

/** The member who joined first, other than `except`. */
export const longestMember = async (db: Executor, chatId: string, except: string) =>
  (
    await db
      .selectFrom('chat_members')
      .select('user_id')
      .where('chat_id', '=', chatId)
      .where('user_id', '!=', except)
      .orderBy('joined_at')
      .orderBy('user_id')
      .limit(1)
      .executeTakeFirst()
  )?.user_id ?? null

/**
 * Moves the read mark forward only (reading an older message never makes newer ones unread), in
 * one conditional UPDATE that also checks membership and, when messages live in MySQL, that the
 * message is in this chat. True when the mark moved; `readMarkRefusal` says why it did not.
 */
export const advanceReadMark = async (
  db: Executor,
  m: { chatId: string; userId: string; messageId: string; messageInMysql: boolean },
) => {
  const r = await db
    .updateTable('chat_members')
    .set({ last_read_message_id: m.messageId })
    .where('chat_id', '=', m.chatId)
    .where('user_id', '=', m.userId)
    .where((eb) =>
      eb.or([eb('last_read_message_id', 'is', null), eb('last_read_message_id', '<', m.messageId)]),
    )
    .$if(m.messageInMysql, (q) =>
      q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('messages')
            .select('messages.id')
            .where('messages.id', '=', m.messageId)
            .where('messages.chat_id', '=', m.chatId),
        ),
      ),
    )
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}

/**
 * Why `advanceReadMark` did not move the mark, in one query: no such chat, not a member, no such
 * message in it (checked only when messages live in MySQL), or null when it was read that far.
 */
export const readMarkRefusal = async (
  db: Executor,
  m: { chatId: string; userId: string; messageId: string; messageInMysql: boolean },
) => {
  const r = await sql<{
    chat: number | string
    member: number | string
    message: number | string
  }>`SELECT
      EXISTS (SELECT 1 FROM chats WHERE id = ${m.chatId}) AS chat,
      EXISTS (SELECT 1 FROM chat_members
               WHERE chat_id = ${m.chatId} AND user_id = ${m.userId}) AS member,
      ${
        m.messageInMysql
          ? sql`EXISTS (SELECT 1 FROM messages WHERE id = ${m.messageId} AND chat_id = ${m.chatId})`
          : sql`1`
      } AS message`.execute(db)
  const row = r.rows[0]
  if (!row || Number(row.chat) === 0) return 'no-chat' as const
  if (Number(row.member) === 0) return 'not-member' as const
  if (Number(row.message) === 0) return 'no-message' as const
  return null
}

/** Locks the user's row until the transaction ends: their own changes then run one at a time. */
export const lockUserRow = (trx: Transaction<Database>, userId: string) =>
  trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().executeTakeFirst()
