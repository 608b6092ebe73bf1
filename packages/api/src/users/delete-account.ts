import { TRPCError } from '@trpc/server'
import {
  activeSessionIds,
  checkPassword,
  chatsOfUserByKind,
  deleteImageRows,
  eraseUser,
  imageIdsInMessagesOf,
  imageIdsOwnedBy,
  memberIdsOfChats,
} from '@messenger/db'
import { createHash } from 'node:crypto'
import { reserveAttempt, userScopes } from '../auth/throttle'
import { spendSecondFactor, totpEnabled } from '../auth/two-factor'
import { takeOut } from '../chats/service'
import type { AuthUser, Context } from '../context'
import { publishEvents, transactWithEvents } from '../events/service'

type Ctx = Context & { user: AuthUser }

/** Rows read per statement while cleaning up after a deleted account. */
const BATCH = 200

/**
 * Placeholders no one can register (a login may not contain "~", an email needs "@"), unique per
 * account, so the person's login and email are free again at once.
 */
const placeholders = (userId: string) => {
  const tag = createHash('sha256').update(userId).digest('hex').slice(0, 24)
  return { login: `~${tag}`, email: `~deleted~${userId}` }
}

/**
 * Deletes the caller's account after checking the password (and a code when two-factor login is
 * on), throttled like login. At once: every session ends on every instance (their streams too),
 * and the row is erased — login and email free, names and password gone — while the messages
 * stay, shown as from "Deleted account". Then: groups are left as by chats.leave (an owner hands
 * them on; the last member deletes them), the other person of each personal chat is told (the
 * chat stays readable for them), and uploads never sent in a message are removed.
 */
export const deleteAccount = async (
  ctx: Ctx,
  input: { passwordHash: string; code?: string | undefined; recoveryCode?: string | undefined },
) => {
  const userId = ctx.user.id
  const attempt = await reserveAttempt(ctx, userScopes(ctx, userId))
  let right: boolean
  try {
    right = await checkPassword(ctx.db, userId, await ctx.hashPassword(input.passwordHash))
    if (right && (await totpEnabled(ctx, userId))) {
      if (input.code === undefined && input.recoveryCode === undefined) {
        // Not a guess: released below like any error but a wrong code.
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: 'code: two-factor login is on; give a code or a recovery code',
        })
      }
      right = await spendSecondFactor(ctx, userId, input)
      if (!right) {
        throw new TRPCError({
          code: 'FORBIDDEN',
          message:
            input.code !== undefined
              ? 'code: wrong code, or one used already'
              : 'recoveryCode: not one of your unused recovery codes',
        })
      }
    }
  } catch (e) {
    // A wrong code keeps the failure counted; anything unexpected releases it.
    if (!(e instanceof TRPCError && e.code === 'FORBIDDEN')) {
      await attempt.released().catch(() => undefined)
    }
    throw e
  }
  if (!right) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'passwordHash: the password is wrong' })
  }
  await attempt.succeeded()

  const sessions = await activeSessionIds(ctx.db, userId)
  await eraseUser(ctx.db, userId, placeholders(userId))
  await ctx.sessions.ended([...new Set([...sessions, ctx.user.sessionId])])
  await ctx.sessions.userChanged(userId)

  await leaveGroups(ctx, userId)
  await tellPersonalChats(ctx, userId)
  await removeUnsentUploads(ctx, userId)
  return { ok: true as const }
}

const leaveGroups = async (ctx: Context, userId: string) => {
  // Each chat left drops out of the list, so the first page is read again until it is empty.
  for (;;) {
    const groups = await chatsOfUserByKind(ctx.db, userId, false, null, BATCH)
    for (const chatId of groups) await takeOut(ctx, chatId, userId)
    if (groups.length < BATCH) return
  }
}

/** The other person of each personal chat gets it again, now titled "Deleted account". */
const tellPersonalChats = async (ctx: Context, userId: string) => {
  let after: string | null = null
  for (;;) {
    const chatIds = await chatsOfUserByKind(ctx.db, userId, true, after, BATCH)
    if (chatIds.length === 0) return
    const members = await memberIdsOfChats(ctx.db, chatIds)
    const { events } = await transactWithEvents(ctx.db, (_trx, record) => {
      for (const chatId of chatIds) {
        const audience = (members.get(chatId) ?? []).filter((id) => id !== userId)
        if (audience.length > 0) record({ chatId, type: 'chat.updated', audience })
      }
      return Promise.resolve()
    })
    await publishEvents(ctx, events)
    if (chatIds.length < BATCH) return
    after = chatIds.at(-1)!
  }
}

/**
 * Uploads that no message of the person carries (never sent, or in messages deleted since): rows
 * first, so nothing serves them, then files. Images in messages that stay are kept with them.
 * File deletion when the last message goes is the files feature's (issue #14), not this one's.
 */
export const removeUnsentUploads = async (ctx: Context, userId: string) => {
  const sent = new Set<string>()
  let cursor: string | null = null
  do {
    const page = await imageIdsInMessagesOf(ctx.db, userId, cursor, BATCH * 5)
    for (const id of page.imageIds) sent.add(id)
    cursor = page.last
  } while (cursor !== null)
  let after: string | null = null
  for (;;) {
    const owned = await imageIdsOwnedBy(ctx.db, userId, after, BATCH)
    if (owned.length === 0) return
    const unsent = owned.filter((id) => !sent.has(id))
    await deleteImageRows(ctx.db, userId, unsent)
    for (const id of unsent) {
      await ctx.images.remove(id).catch((err: unknown) => {
        ctx.log.warn({ err, imageId: id }, 'could not remove the files of a deleted account')
      })
    }
    if (owned.length < BATCH) return
    after = owned.at(-1)!
  }
}
