import { TRPCError } from '@trpc/server'
import { findChatOfUserByName, findMessagesByIdsFor, findUserIdByLogin } from '@messenger/db'
import { highlight, parseSearchQuery, type SearchMessagesInput } from '@messenger/shared'
import { assertMember } from '../chats/service'
import type { AuthUser, Context } from '../context'
import { SearchUnavailableError } from '../search/search-index'
import { hydrateMessages } from './hydrate'
import { toStored } from './mysql-store'

type Ctx = Context & { user: AuthUser }

/** Ranked results go this deep at most; past it a search asks for more words, not more pages. */
export const MAX_SEARCH_DEPTH = 200

interface Cursor {
  /** Results already shown. */
  o: number
  /** The last one shown, so a page starts after it even when newer messages moved the ranks. */
  m: string
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url')

const decodeCursor = (s: string): Cursor => {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Partial<Cursor>
    if (
      Number.isInteger(c.o) &&
      c.o! > 0 &&
      c.o! <= MAX_SEARCH_DEPTH &&
      typeof c.m === 'string' &&
      c.m.length <= 36
    ) {
      return { o: c.o!, m: c.m }
    }
  } catch {
    // Not JSON: answered below like any other bad cursor.
  }
  throw new TRPCError({ code: 'BAD_REQUEST', message: 'cursor: not a cursor this search returned' })
}

const dayStart = (day: string) => new Date(`${day}T00:00:00Z`)
const none = { items: [], nextCursor: null }

/**
 * `messages.search`: words and filters, typed (`from:ada in:team has:image before:… after:…`) or
 * as fields (fields win over typed filters), in the caller's chats only; paged by cursor.
 */
export const searchMessages = async (ctx: Ctx, input: SearchMessagesInput) => {
  const typed = parseSearchQuery(input.query)
  const from = input.from ?? typed.from
  const before = input.before ?? typed.before
  const after = input.after ?? typed.after
  const hasImage = input.hasImage ?? typed.hasImage
  const cursor = input.cursor === undefined ? { o: 0, m: '' } : decodeCursor(input.cursor)

  let chatId = input.chatId
  if (chatId !== undefined) await assertMember(ctx, chatId, ctx.user.id)
  if (typed.in !== undefined) {
    // A chat named in the query that the caller is not in, or another than chatId: nothing.
    const named = await findChatOfUserByName(ctx.db, ctx.user.id, typed.in)
    if (named === undefined || (chatId !== undefined && named !== chatId)) return none
    chatId = named
  }
  let senderId: string | undefined
  if (from !== undefined) {
    senderId = await findUserIdByLogin(ctx.db, from)
    if (senderId === undefined) return none
  }
  const filtered =
    senderId !== undefined || hasImage === true || before !== undefined || after !== undefined
  if (typed.text === '' && !filtered) return none

  const depth = Math.min(MAX_SEARCH_DEPTH, cursor.o + input.limit) + 1
  const found = await ctx.search
    .search({
      userId: ctx.user.id,
      query: typed.text,
      limit: depth,
      ...(chatId !== undefined && { chatId }),
      ...(senderId !== undefined && { senderId }),
      ...(hasImage === true && { hasImage }),
      ...(after !== undefined && { after: dayStart(after) }),
      ...(before !== undefined && { before: dayStart(before) }),
    })
    .catch((e: unknown) => {
      if (!(e instanceof SearchUnavailableError)) throw e
      // Sending, history and live events do not depend on the search backend: only search says so.
      ctx.log.warn({ err: e }, 'search unavailable')
      throw new TRPCError({
        code: 'SERVICE_UNAVAILABLE',
        message: 'Search is unavailable right now; try again in a minute',
        cause: e,
      })
    })
  // The index names the messages; MySQL has them. One deleted since it was indexed is left out,
  // and so is one the caller deleted for themselves (probed in the same statement).
  const stored = new Map(
    (
      await findMessagesByIdsFor(
        ctx.db,
        found.map((h) => h.messageId),
        ctx.user.id,
      )
    ).flatMap((m) => (m.hidden ? [] : [[m.row.id, toStored(m.row)] as const])),
  )
  const hits = found.flatMap((h) => {
    const message = stored.get(h.messageId)
    if (!message || message.deleted) return []
    return [{ message, highlight: h.highlight ?? highlight(message.text ?? '', h.terms) }]
  })
  const last = cursor.m === '' ? -1 : hits.findIndex((h) => h.message.id === cursor.m)
  const start = last >= 0 ? last + 1 : cursor.o
  const end = Math.min(start + input.limit, MAX_SEARCH_DEPTH)
  const page = hits.slice(start, end)
  const messages = await hydrateMessages(
    ctx,
    page.map((h) => h.message),
  )
  return {
    items: messages.map((message, i) => ({ message, highlight: page[i]!.highlight })),
    nextCursor:
      hits.length > end && page.length > 0 && end < MAX_SEARCH_DEPTH
        ? encodeCursor({ o: end, m: page.at(-1)!.message.id })
        : null,
  }
}
