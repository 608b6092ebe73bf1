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

export const toPublicUser = (r: PublicUserRecord): PublicUser => ({
  id: r.id,
  login: r.login,
  firstName: r.first_name,
  lastName: r.last_name,
})
