import { TRPCError } from '@trpc/server'
import {
  findChatWithMembers,
  lockChat,
  memberIds,
  memberIdsOfChats,
  setChatAvatar,
  setUserAvatar,
} from '@messenger/db'
import { processAvatar, type SquareCrop } from '@messenger/images'
import type { Avatar } from '@messenger/shared'
import type { Deps } from '../deps'
import { publishEvents, transactWithEvents } from '../events/service'
import { newId } from '../ids'
import { toAvatar } from './signing'

/** Whose photo: the caller's own, or a group's (its owner only). */
export type AvatarSubject = { userId: string } | { chatId: string; ownerId: string }

/** A group whose photo `userId` may change: NOT_FOUND, or FORBIDDEN for others and personal chats. */
export const assertGroupOwner = async (deps: Deps, chatId: string, userId: string) => {
  const found = await findChatWithMembers(deps.db, chatId)
  if (!found) throw new TRPCError({ code: 'NOT_FOUND', message: 'chatId: no such chat' })
  if (!found.members.includes(userId))
    throw new TRPCError({ code: 'FORBIDDEN', message: 'chatId: you are not a member of this chat' })
  if (found.chat.is_direct === 1)
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: "chatId: a personal chat shows each person's own photo; it has none of its own",
    })
  if (found.chat.owner_id !== userId)
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: "chatId: only the group's owner can change its photo",
    })
}

/**
 * Points the user or group at `avatarId` (null: no photo) and announces it with `chat.updated`
 * in every chat it shows in: the group itself, or each chat the user is in. The replaced avatar's
 * files are removed after the commit (the sweep takes them if that fails).
 */
export const setAvatar = async (deps: Deps, subject: AvatarSubject, avatarId: string | null) => {
  const { result: previous, events } = await transactWithEvents(deps.db, async (trx, record) => {
    if ('userId' in subject) {
      const set = await setUserAvatar(trx, subject.userId, avatarId)
      if (!set) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' })
      const members = await memberIdsOfChats(trx, set.chatIds)
      for (const chatId of set.chatIds)
        record({ chatId, type: 'chat.updated', audience: members.get(chatId) ?? [] })
      return set.previous
    }
    // Ownership again under the chat's lock: it may have passed to someone else meanwhile.
    const chat = await lockChat(trx, subject.chatId)
    if (chat?.owner_id !== subject.ownerId)
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: "chatId: only the group's owner can change its photo",
      })
    await setChatAvatar(trx, subject.chatId, avatarId)
    record({
      chatId: subject.chatId,
      type: 'chat.updated',
      audience: await memberIds(trx, subject.chatId),
    })
    return chat.avatar_id
  })
  // Cached sessions carry the profile, avatar included (it rides on one's own messages).
  if ('userId' in subject) await deps.sessions.userChanged(subject.userId)
  await publishEvents(deps, events)
  if (previous !== null && previous !== avatarId)
    await deps.avatars.remove(previous).catch((err: unknown) => {
      deps.log.warn({ err, avatarId: previous }, 'could not remove a replaced avatar')
    })
}

/**
 * Crops, scales and stores a new photo (waiting for a decode slot), then sets it: the files are
 * written before the row points at them, so a user or group never shows a missing photo.
 */
export const uploadAvatar = async (
  deps: Deps,
  subject: AvatarSubject,
  bytes: Buffer,
  crop: SquareCrop,
): Promise<Avatar> => {
  const processed = await deps.imageQueue.run(() =>
    processAvatar(bytes, crop, { maxBytes: deps.config.maxUploadBytes }),
  )
  const id = newId()
  try {
    await Promise.all(processed.versions.map((v) => deps.avatars.write(id, String(v.size), v.data)))
    await setAvatar(deps, subject, id)
  } catch (e) {
    await deps.avatars.remove(id).catch((err: unknown) => {
      deps.log.warn({ err, avatarId: id }, 'could not remove files of a failed avatar upload')
    })
    throw e
  }
  return toAvatar(deps.config.jwtSecret, id)
}
