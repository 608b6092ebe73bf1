import type { PublicUserRecord, UserRecord } from '@messenger/db'
import type { PublicUser, User } from '@messenger/shared'
import { toAvatar } from './avatars/signing'

export const toUser = (r: UserRecord & { avatar_id?: string | null }, secret: string): User => ({
  id: r.id,
  login: r.login,
  email: r.email,
  firstName: r.first_name,
  lastName: r.last_name,
  createdAt: r.created_at.toISOString(),
  ...(r.avatar_id && { avatar: toAvatar(secret, r.avatar_id) }),
})

/** What every client shows for a deleted account (the web client translates it by `deleted`). */
export const DELETED_ACCOUNT = { firstName: 'Deleted', lastName: 'account' } as const

/**
 * `avatar` only when the user has a photo and the record carries it: the queries that read
 * `avatar_id` are those answering people who share a chat with the user (members, senders,
 * reactors, readers). A deleted account has none.
 */
export const toPublicUser = (r: PublicUserRecord, secret: string): PublicUser =>
  r.deleted_at === null
    ? {
        id: r.id,
        login: r.login,
        firstName: r.first_name,
        lastName: r.last_name,
        ...(r.avatar_id && { avatar: toAvatar(secret, r.avatar_id) }),
      }
    : { id: r.id, login: '', ...DELETED_ACCOUNT, deleted: true }
