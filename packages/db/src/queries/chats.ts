import { sql, type Transaction } from 'kysely'
import type { Db } from '../client'
import type { Database } from '../database'

export type Executor = Db | Transaction<Database>

/** The unique key of a createDirect chat for a pair, in either order. */
export const directKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`)

const chatColumns = [
  'chats.id',
  'chats.title',
  'chats.owner_id',
  'chats.direct_key',
  'chats.member_count',
  'chats.last_message_id',
  'chats.created_at',
  'chats.updated_at',
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

/** The chat row, locked for update until the transaction ends. */
export const lockChat = (trx: Transaction<Database>, chatId: string) =>
  trx
    .selectFrom('chats')
    .select(chatColumns)
    .where('id', '=', chatId)
    .forUpdate()
    .executeTakeFirst()

/** A chat that has exactly these two members now, whoever created it. */
export const findTwoMemberChat = async (db: Executor, a: string, b: string) => {
  const row = await db
    .selectFrom('chat_members as m1')
    .innerJoin('chat_members as m2', 'm2.chat_id', 'm1.chat_id')
    .innerJoin('chats', 'chats.id', 'm1.chat_id')
    .select('chats.id')
    .where('m1.user_id', '=', a)
    .where('m2.user_id', '=', b)
    .where('chats.member_count', '=', 2)
    .orderBy('chats.created_at')
    .limit(1)
    .executeTakeFirst()
  return row?.id ?? null
}

export const insertChat = async (
  trx: Executor,
  chat: { id: string; title: string | null; ownerId: string | null; directKey: string | null },
  memberIds: readonly string[],
  now: Date,
) => {
  await trx
    .insertInto('chats')
    .values({
      id: chat.id,
      title: chat.title,
      owner_id: chat.ownerId,
      direct_key: chat.directKey,
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
          'users.id',
          'users.login',
          'users.first_name',
          'users.last_name',
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

export const chatIdsOfUser = async (db: Executor, userId: string) =>
  (
    await db.selectFrom('chat_members').select('chat_id').where('user_id', '=', userId).execute()
  ).map((r) => r.chat_id)

export interface ChatCursor {
  updatedAt: Date
  id: string
}

/** The caller's chats, latest activity first, keyset-paged on (updated_at, id). */
export const listChatsOfUser = (
  db: Executor,
  userId: string,
  cursor: ChatCursor | null,
  limit: number,
) =>
  db
    .selectFrom('chat_members')
    .innerJoin('chats', 'chats.id', 'chat_members.chat_id')
    .select(chatColumns)
    .where('chat_members.user_id', '=', userId)
    .$if(cursor !== null, (q) =>
      q.where(sql<boolean>`(chats.updated_at, chats.id) < (${cursor!.updatedAt}, ${cursor!.id})`),
    )
    .orderBy('chats.updated_at', 'desc')
    .orderBy('chats.id', 'desc')
    .limit(limit)
    .execute()

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

/** Recounts members; a chat that no longer has exactly its createDirect pair loses its direct key. */
const syncMemberCount = async (trx: Transaction<Database>, chatId: string, now: Date) => {
  await sql`UPDATE chats SET
      member_count = (SELECT COUNT(*) FROM chat_members WHERE chat_id = ${chatId}),
      direct_key = IF(member_count = 2, direct_key, NULL),
      updated_at = ${now}
    WHERE id = ${chatId}`.execute(trx)
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

/** Moves the read mark forward only: reading an older message never makes newer ones unread. */
export const markRead = (db: Executor, chatId: string, userId: string, messageId: string) =>
  db
    .updateTable('chat_members')
    .set({ last_read_message_id: messageId })
    .where('chat_id', '=', chatId)
    .where('user_id', '=', userId)
    .where((eb) =>
      eb.or([eb('last_read_message_id', 'is', null), eb('last_read_message_id', '<', messageId)]),
    )
    .execute()
