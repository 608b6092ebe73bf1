import { z } from 'zod'
import { id, isoDate } from './common'

export const loginName = z
  .string()
  .min(3, 'login must be at least 3 characters')
  .max(32, 'login must be at most 32 characters')
  .regex(/^[a-zA-Z0-9_.-]+$/, 'login may contain only letters a-z, digits, "_", "." and "-"')

export const personName = z.string().trim().min(1, 'must not be empty').max(64)

/** Square sizes, in pixels, of every avatar (profile or group photo). */
export const AVATAR_SIZES = [64, 256, 512] as const

/**
 * A profile or group photo (beyond API.md): square WebP versions with signed URLs, smallest first.
 * The placeholder is the initials on their colour, drawn by the client until the picture loads.
 */
export const avatar = z.object({
  id,
  sizes: z.array(z.object({ size: z.number().int(), url: z.string() })),
})
export type Avatar = z.infer<typeof avatar>

export const user = z.object({
  id,
  login: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  createdAt: isoDate,
  /** Absent when there is no photo, or where the caller may not see it (a stranger in search). */
  avatar: avatar.optional(),
})
export type User = z.infer<typeof user>

/**
 * `deleted: true` (only then present) marks a deleted account: its login is empty and its name is
 * "Deleted account" (docs/accounts.md).
 */
export const publicUser = user
  .pick({ id: true, login: true, firstName: true, lastName: true, avatar: true })
  .extend({ deleted: z.boolean().optional() })
export type PublicUser = z.infer<typeof publicUser>

export const searchUsersInput = z.object({
  query: z.string().trim().min(1, 'query must not be empty').max(64),
  limit: z.number().int().min(1).max(50).default(20),
})

export const updateProfileInput = z
  .object({ firstName: personName.optional(), lastName: personName.optional() })
  .refine((v) => v.firstName !== undefined || v.lastName !== undefined, {
    message: 'give firstName or lastName',
  })

export const fullName = (u: Pick<PublicUser, 'firstName' | 'lastName'>) =>
  `${u.firstName} ${u.lastName}`.trim()
