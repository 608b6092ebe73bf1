import { performance } from 'node:perf_hooks'
import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../client'
import { expandQuery, queryTerms } from './expand'
import { binToUuid, uuidToBin } from './ids'

export { MAX_EXPANSIONS } from './expand'

export interface SearchQuery {
  userId: string
  query: string
  /** Only this chat (the caller must be a member); otherwise every chat of the caller. */
  chatId?: string
  limit: number
  /**
   * Rows the walk for messages holding several frequent words may examine (default 5,000): the
   * ceiling on a query's cost. Past it, older such messages can be missed; the benchmark measures
   * how often that changes the results.
   */
  maxRowsExamined?: number
  /** Only messages from this sender. */
  senderId?: string
  /** Only messages with images. */
  hasImage?: boolean
  /** Only messages sent at or after this time. */
  after?: Date
  /** Only messages sent before this time. */
  before?: Date
}

/** Rows a page walk may examine when a sender or image filter makes most postings not count. */
const MAX_FILTERED_ROWS_EXAMINED = 20_000

export interface SearchHitId {
  messageId: string
  /** 1000 per query word matched, minus the cost of the cheapest match of each (see MATCH_COST). */
  score: number
  /** The indexed terms this message matched, for highlighting. */
  terms: string[]
  /** The query as read through the other keyboard layout when that reading was searched. */
  layout: string | null
}

/** Rows a search may examine when intersecting words, so a query's cost has a ceiling. */
const MAX_ROWS_EXAMINED = 5_000

export type SearchStep = 'chats' | 'expand' | 'pages' | 'counts' | 'intersect' | 'probe'

export interface ExpandedTerm {
  id: number
  term: string
  /** What matching this term costs the message (see MATCH_COST). */
  distance: number
}

const unionAll = (parts: RawBuilder<unknown>[]) => sql.join(parts, sql` UNION ALL `)

/** Messages from rare terms probed for the other words they hold, newest first. */
const MAX_PROBED = 500
/** Postings of a word beyond this many are not counted: enough to tell rare words from common. */
const COUNT_CAP = 5_000

interface Hit {
  message: Buffer
  /** Cheapest match per query word matched. */
  best: Map<number, number>
  terms: Set<string>
}

const scoreOf = (h: Hit) => {
  let edits = 0
  for (const d of h.best.values()) edits += d
  return h.best.size * 1000 - edits
}

/** Best first: more words, cheaper matches, then newest (UUIDv7 bytes sort by time). */
const byRank = (a: Hit, b: Hit) => scoreOf(b) - scoreOf(a) || Buffer.compare(b.message, a.message)

/** The smallest UUIDv7 of a millisecond, packed: message ids sort by the time they were sent. */
export const uuidv7Floor = (at: Date) => {
  const b = Buffer.alloc(16)
  b.writeUIntBE(Math.max(0, Math.min(at.getTime(), 2 ** 48 - 1)), 0, 6)
  return b
}

/** A posting's message as the CHAR(36) id of its row. */
const messageRowId = (column: string) => {
  const c = sql.ref(column)
  return sql`LOWER(CONCAT_WS('-', HEX(SUBSTR(${c}, 1, 4)), HEX(SUBSTR(${c}, 5, 2)),
    HEX(SUBSTR(${c}, 7, 2)), HEX(SUBSTR(${c}, 9, 2)), HEX(SUBSTR(${c}, 11, 6))))`
}

/** The search's filters on a posting's message id column: time bounds, sender and images. */
const messageFilter = (
  q: Pick<SearchQuery, 'senderId' | 'hasImage' | 'after' | 'before'>,
  column: string,
) => {
  const parts: RawBuilder<unknown>[] = []
  if (q.after !== undefined) parts.push(sql`AND ${sql.ref(column)} >= ${uuidv7Floor(q.after)}`)
  if (q.before !== undefined) parts.push(sql`AND ${sql.ref(column)} < ${uuidv7Floor(q.before)}`)
  if (q.senderId !== undefined || q.hasImage === true) {
    parts.push(sql`AND EXISTS (SELECT 1 FROM messages fm WHERE fm.id = ${messageRowId(column)}
      ${q.senderId !== undefined ? sql`AND fm.sender_id = ${q.senderId}` : sql``}
      ${q.hasImage === true ? sql`AND fm.image_ids IS NOT NULL` : sql``})`)
  }
  return parts.length === 0 ? sql`` : sql.join(parts, sql` `)
}

/**
 * A query of filters alone (`from:ada has:image`): the matching messages of the caller's chats
 * (never system messages, which the index never holds either), newest first, walking the messages newest first under a ceiling on rows examined.
 */
const listFiltered = async (db: Db, q: SearchQuery): Promise<SearchHitId[]> => {
  const chats = (
    await db
      .selectFrom('chat_members')
      .select('chat_id')
      .where('user_id', '=', q.userId)
      .$if(q.chatId !== undefined, (s) => s.where('chat_id', '=', q.chatId!))
      .execute()
  ).map((r) => r.chat_id)
  if (chats.length === 0) return []
  const id = (at: Date) => binToUuid(uuidv7Floor(at))
  const { rows } = await sql<{ id: string }>`SELECT id FROM messages FORCE INDEX (${sql.raw(
    chats.length === 1 ? 'messages_chat' : 'PRIMARY',
  )})
    WHERE chat_id IN (${sql.join(chats)}) AND deleted = 0 AND system_event IS NULL
      ${q.after !== undefined ? sql`AND id >= ${id(q.after)}` : sql``}
      ${q.before !== undefined ? sql`AND id < ${id(q.before)}` : sql``}
      ${q.senderId !== undefined ? sql`AND sender_id = ${q.senderId}` : sql``}
      ${q.hasImage === true ? sql`AND image_ids IS NOT NULL` : sql``}
    ORDER BY id DESC
    LIMIT ${q.limit} ROWS EXAMINED ${q.maxRowsExamined ?? MAX_FILTERED_ROWS_EXAMINED}`.execute(db)
  return rows.map((r) => ({ messageId: r.id, score: 0, terms: [], layout: null }))
}

/**
 * Ids of the messages matching a fuzzy query in the caller's chats, best first: more query words
 * matched, then cheaper matches (exact word, another form, a completion, a typo; a query read
 * through the other layout last), then newest.
 *
 * Cost follows the query, not the tables: every read walks an index newest first and stops early.
 * 1. Each query word expands to the vocabulary terms it matches (see expand.ts).
 * 2. Each term's newest page gives the one-word ranking; a term whose page is not full gives every
 *    message it is in.
 * 3. Messages holding several frequent words are found by walking the rarest word's frequent terms
 *    newest first and probing the others, under a ceiling on rows examined (`maxRowsExamined`).
 * 4. The candidates are probed for every query term they hold, then ranked.
 */
export const searchMessageIds = async (
  db: Db,
  q: SearchQuery,
  /** Told how long each step took, for the benchmark's breakdown. */
  trace?: (step: SearchStep, ms: number) => void,
): Promise<SearchHitId[]> => {
  let last = performance.now()
  const done = (step: SearchStep) => {
    if (trace === undefined) return
    const now = performance.now()
    trace(step, now - last)
    last = now
  }
  if (q.limit <= 0) return []
  const filtered =
    q.senderId !== undefined ||
    q.hasImage === true ||
    q.after !== undefined ||
    q.before !== undefined
  if (filtered && queryTerms(q.query).length === 0) return listFiltered(db, q)

  const chatRows = await db
    .selectFrom('chat_members')
    .select('chat_id')
    .where('user_id', '=', q.userId)
    .$if(q.chatId !== undefined, (s) => s.where('chat_id', '=', q.chatId!))
    .execute()
  if (chatRows.length === 0) return []
  done('chats')
  const chatIds = sql.join(chatRows.map((r) => uuidToBin(r.chat_id)))
  const visible = new Set(chatRows.map((r) => r.chat_id.replaceAll('-', '')))
  const oneChat = chatRows.length === 1
  // One chat: its (term, chat, message) primary key range is already in time order. Several: walk
  // the term's (term, message) index newest first and drop other chats' postings here, reading a
  // little more than needed; an IN list of the caller's chats in every subquery costs more to
  // plan than the reads (about 0.4 ms each for 150 chats). The optimizer's own pick, reading a
  // term's every posting in those chats and sorting them, grows with the table.
  const postings = (alias: string) =>
    sql`search_postings ${sql.raw(alias)} FORCE INDEX (${sql.raw(
      oneChat ? 'PRIMARY' : 'search_postings_term_message',
    )})`
  const inChats = (column: string) => sql`${sql.ref(column)} IN (${chatIds})`
  const chatFilter = (column: string) => (oneChat ? sql`AND ${inChats(column)}` : sql``)
  // A sender or image filter needs the message row: each walk then has a ceiling of its own.
  const rowFiltered = q.senderId !== undefined || q.hasImage === true
  const pageCeiling = rowFiltered
    ? sql` LIMIT ROWS EXAMINED ${q.maxRowsExamined ?? MAX_FILTERED_ROWS_EXAMINED}`
    : sql``
  const isVisible = (chat: Buffer) => visible.has(chat.toString('hex'))

  const query = await expandQuery(db, q.query)
  const expanded: ExpandedTerm[][] = query.matches
    .filter((ms) => ms.length > 0)
    .map((ms) => ms.map((m) => ({ id: m.id, term: m.term, distance: m.cost })))
  done('expand')
  if (expanded.length === 0) return []
  // A term can match several words ("cat cats"): it counts for each.
  const allTerms = [...new Map(expanded.flat().map((t) => [t.id, t])).values()]
  const wordOf = new Map<number, { word: number; distance: number; term: string }[]>()
  expanded.forEach((ts, word) => {
    for (const t of ts) {
      wordOf.set(t.id, [...(wordOf.get(t.id) ?? []), { word, distance: t.distance, term: t.term }])
    }
  })
  const hits = new Map<string, Hit>()
  const see = (message: Buffer, termId: number) => {
    const key = message.toString('hex')
    let hit = hits.get(key)
    if (hit === undefined) {
      hit = { message, best: new Map(), terms: new Set() }
      hits.set(key, hit)
    }
    for (const m of wordOf.get(termId)!) {
      hit.terms.add(m.term)
      hit.best.set(m.word, Math.min(hit.best.get(m.word) ?? Infinity, m.distance))
    }
    return key
  }

  // Each term's newest page: a message matching one word ranks by that word's closest term.
  const page = q.limit
  const over = oneChat ? page : page * 2
  type PostingRow = { term_id: number; message_id: Buffer; chat_id: Buffer }
  const pageOf = async (terms: readonly ExpandedTerm[], filtered: boolean, size: number) =>
    terms.length === 0
      ? []
      : (
          await sql<PostingRow>`${unionAll(
            terms.map(
              (t) => sql`(SELECT term_id, message_id, chat_id FROM ${postings('p')}
                WHERE term_id = ${t.id} ${filtered ? sql`AND ${inChats('chat_id')}` : chatFilter('chat_id')}
                  ${messageFilter(q, 'message_id')}
                ORDER BY message_id DESC LIMIT ${size})`,
            ),
          )}${pageCeiling}`.execute(db)
        ).rows
  const raw = new Map<number, number>()
  const fetched = new Map<number, number>()
  const seenBy: { key: string; term: number }[] = []
  const take = (rows: PostingRow[]) => {
    for (const r of rows) {
      raw.set(r.term_id, (raw.get(r.term_id) ?? 0) + 1)
      if (!isVisible(r.chat_id) || (fetched.get(r.term_id) ?? 0) >= page) continue
      seenBy.push({ key: see(r.message_id, r.term_id), term: r.term_id })
      fetched.set(r.term_id, (fetched.get(r.term_id) ?? 0) + 1)
    }
  }
  take(await pageOf(allTerms, false, over))
  // Terms whose postings are mostly in other chats: ask again, filtering in SQL.
  const short = oneChat
    ? []
    : allTerms.filter((t) => raw.get(t.id) === over && (fetched.get(t.id) ?? 0) < page)
  for (const t of short) fetched.delete(t.id)
  take(await pageOf(short, true, page))
  done('pages')

  // Messages holding several words rank first but may be older than every page. A term whose
  // page is not full has all its messages in hand: probing those messages finds the other words
  // they hold. Only messages whose terms are all frequent can be missing: walk the rarest word's
  // frequent terms newest first, keeping messages that hold another word's frequent term.
  const full = new Set(allTerms.filter((t) => fetched.get(t.id) === page).map((t) => t.id))
  const complete = new Set(seenBy.filter((s) => !full.has(s.term)).map((s) => s.key))
  const multi = new Set<string>()
  const frequent = expanded.map((ts) => ts.filter((t) => full.has(t.id)))
  if (frequent.filter((ts) => ts.length > 0).length > 1) {
    // Counted up to COUNT_CAP (in every chat: an upper bound is enough to pick the rarest word).
    const counts = new Map<number, number>()
    const { rows } = await sql<{ term_id: number | string; n: number | string }>`${unionAll(
      [...full].map(
        (id) => sql`(SELECT ${id} AS term_id, COUNT(*) AS n FROM (SELECT 1 FROM ${postings('p')}
          WHERE term_id = ${id} ${chatFilter('chat_id')} LIMIT ${COUNT_CAP}) c)`,
      ),
    )}`.execute(db)
    for (const r of rows) counts.set(Number(r.term_id), Number(r.n))
    done('counts')
    const weight = frequent.map((ts) =>
      ts.length === 0 ? Infinity : ts.reduce((n, t) => n + counts.get(t.id)!, 0),
    )
    const driver = weight.indexOf(Math.min(...weight))
    const walked = frequent[driver]!
    const others = frequent
      .filter((_, i) => i !== driver)
      .flat()
      .sort((x, y) => counts.get(y.id)! - counts.get(x.id)!)
    // A few other terms: look each up in its own (term, message) subtree, small and cached. Many:
    // one probe of the (message, term) index, though it lands on a random page of all postings.
    const holdsAny = (terms: ExpandedTerm[]) =>
      terms.length <= 3
        ? sql.join(
            terms.map(
              (o) => sql`EXISTS (SELECT 1 FROM search_postings b
                FORCE INDEX (search_postings_term_message)
                WHERE b.term_id = ${o.id} AND b.message_id = a.message_id)`,
            ),
            sql` OR `,
          )
        : sql`EXISTS (SELECT 1 FROM search_postings b FORCE INDEX (search_postings_message)
            WHERE b.message_id = a.message_id AND b.term_id IN (${sql.join(terms.map((o) => o.id))}))`
    // Semi-join rewrites would materialize every posting of the other terms (all of a common
    // word's); a dependent EXISTS costs one index lookup per row walked and stops at the page.
    const intersect = async (terms: readonly ExpandedTerm[], filtered: boolean) =>
      terms.length === 0
        ? []
        : (
            await sql<PostingRow>`SET STATEMENT
              optimizer_switch = 'semijoin=off,materialization=off' FOR ${unionAll(
                terms.map(
                  (t) => sql`(SELECT a.term_id, a.message_id, a.chat_id FROM ${postings('a')}
                  WHERE a.term_id = ${t.id}
                    ${filtered ? sql`AND ${inChats('a.chat_id')}` : chatFilter('a.chat_id')}
                    ${messageFilter(q, 'a.message_id')}
                    AND (${holdsAny(others)})
                  ORDER BY a.message_id DESC LIMIT ${filtered ? page : over})`,
                ),
              )} LIMIT ROWS EXAMINED ${q.maxRowsExamined ?? MAX_ROWS_EXAMINED}`.execute(db)
          ).rows
    const found = new Map<number, { raw: number; seen: number }>()
    const keep = (rows: PostingRow[]) => {
      for (const r of rows) {
        const f = found.get(r.term_id) ?? { raw: 0, seen: 0 }
        found.set(r.term_id, f)
        f.raw++
        if (isVisible(r.chat_id)) {
          f.seen++
          multi.add(see(r.message_id, r.term_id))
        }
      }
    }
    keep(await intersect(walked, false))
    // As with pages: where other chats' messages filled the walk, walk again filtering in SQL.
    keep(
      await intersect(
        oneChat
          ? []
          : walked.filter((t) => found.get(t.id)?.raw === over && found.get(t.id)!.seen < page),
        true,
      ),
    )
    done('intersect')
  }

  // The best of what was seen, the multi-word finds and the rare terms' messages, probed for every
  // query term they hold: their real rank and the terms to highlight.
  if (hits.size === 0) return []
  const ranked = [...hits.values()].sort(byRank)
  const probed = [...multi, ...[...complete].sort().reverse().slice(0, MAX_PROBED)]
  const top = [...new Set([...probed.map((k) => hits.get(k)!), ...ranked.slice(0, q.limit)])]
  // All of each message's postings (a few dozen), filtered here: a term list in SQL as well would
  // make the optimizer plan messages × terms ranges.
  const held = await db
    .selectFrom('search_postings')
    .select(['message_id', 'term_id'])
    .where(
      'message_id',
      'in',
      top.map((h) => h.message),
    )
    .execute()
  for (const r of held) if (wordOf.has(r.term_id)) see(r.message_id, r.term_id)
  done('probe')
  return top
    .sort(byRank)
    .slice(0, q.limit)
    .map((h) => ({
      messageId: binToUuid(h.message),
      score: scoreOf(h),
      terms: [...h.terms],
      layout: query.layout ? query.words.join(' ') : null,
    }))
}
