import type { PublicUserRecord, UserRecord } from '@messenger/db'
import type { PublicUser, User } from '@messenger/shared'

export const toUser = (r: UserRecord): User => ({
  id: r.id,
  login: r.login,
  email: r.email,
  firstName: r.first_name,
  lastName: r.last_name,
  createdAt: r.created_at.toISOString(),
})

/** What every client shows for a deleted account (the web client translates it by `deleted`). */
export const DELETED_ACCOUNT = { firstName: 'Deleted', lastName: 'account' } as const

export const toPublicUser = (r: PublicUserRecord): PublicUser =>
  r.deleted_at === null
    ? { id: r.id, login: r.login, firstName: r.first_name, lastName: r.last_name }
    : { id: r.id, login: '', ...DELETED_ACCOUNT, deleted: true }
