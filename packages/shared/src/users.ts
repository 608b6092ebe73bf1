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

/** Presence asked for at most this many people at once. */
export const MAX_PRESENCE_IDS = 100
/** Going offline is announced this long after the last stream closed: a reload does not flicker. */
export const PRESENCE_GRACE_MS = 5000

/**
 * Someone's presence as the caller may see it: `online` while a stream of theirs is open;
 * `lastSeenAt` when the last one closed. Both empty (false, null) when they hide it, when the
 * caller hides their own, or when they were never seen.
 */
export const presence = z.object({
  userId: id,
  online: z.boolean(),
  lastSeenAt: isoDate.nullable(),
})
export type Presence = z.infer<typeof presence>

export const presenceInput = z.object({
  userIds: z.array(id).max(MAX_PRESENCE_IDS, `userIds: at most ${MAX_PRESENCE_IDS} people at once`),
})
export const presenceList = z.object({ items: z.array(presence) })

export const privacy = z.object({ presenceHidden: z.boolean() })
export type Privacy = z.infer<typeof privacy>
export const setPrivacyInput = privacy
