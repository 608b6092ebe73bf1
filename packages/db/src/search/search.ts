import { termOf, words } from '@messenger/shared'
import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../client'
import type { Executor } from '../queries/chats'
import { deletionVariants, fuzzyDistance } from './fuzzy'
import { binToUuid, uuidToBin } from './ids'

export interface SearchQuery {
  userId: string
  query: string
  /** Only this chat (the caller must be a member); otherwise every chat of the caller. */
  chatId?: string
  limit: number
}

export interface SearchHitId {
  messageId: string
  /** 100 per query word matched, minus the edits of the closest term matched for each word. */
  score: number
  /** The indexed terms this message matched, for highlighting. */
  terms: string[]
}

/** As Elasticsearch's fuzzy `max_expansions`: a word expands to at most this many terms, closest first. */
export const MAX_EXPANSIONS = 50
/** Query words beyond this many are ignored (the API caps a query at 200 characters anyway). */
const MAX_QUERY_WORDS = 10
/** Rows a search may examine when intersecting words, so a query's cost has a ceiling. */
const MAX_ROWS_EXAMINED = 200_000

export interface ExpandedTerm {
  id: number
  term: string
  distance: number
}

/**
 * Each query word's matching vocabulary terms: the word's deletion variants looked up in the
 * variant index, verified by real edit distance, closest first.
 */
export const expandWords = async (db: Executor, queryWords: readonly string[]) => {
  const variants = [...new Set(queryWords.flatMap((w) => deletionVariants(w)))]
  if (variants.length === 0) return queryWords.map(() => [])
  const { rows } = await sql<{ id: number; term: string }>`
    SELECT DISTINCT t.id, t.term FROM search_term_variants v
    JOIN search_terms t ON t.id = v.term_id
    WHERE v.variant IN (${sql.join(variants)})`.execute(db)
  return queryWords.map((w) =>
    rows
      .map((r) => ({ ...r, distance: fuzzyDistance(w, r.term) }))
      .filter((r): r is ExpandedTerm => r.distance !== null)
      .sort((a, b) => a.distance - b.distance || (a.term < b.term ? -1 : 1))
      .slice(0, MAX_EXPANSIONS),
  )
}

const unionAll = (parts: RawBuilder<unknown>[]) => sql.join(parts, sql` UNION ALL `)

/**
 * Ids of the messages matching a fuzzy query in the caller's chats, best first: more query words
 * matched, then fewer edits, then newest.
 *
 * Cost is bounded by the query, not the tables: each term's postings are read newest first and only
 * a page deep; when every word is common, the words are intersected newest first under a cap on
 * rows examined. A word's complete postings (when shorter than a page) make the ranking exact.
 */
export const searchMessageIds = async (db: Db, q: SearchQuery): Promise<SearchHitId[]> => {
  const queryWords = [...new Set([...words(q.query)].map((w) => termOf(w.word)))].slice(
    0,
    MAX_QUERY_WORDS,
  )
  if (queryWords.length === 0 || q.limit <= 0) return []

  const chatRows = await db
    .selectFrom('chat_members')
    .select('chat_id')
    .where('user_id', '=', q.userId)
    .$if(q.chatId !== undefined, (s) => s.where('chat_id', '=', q.chatId!))
    .execute()
  if (chatRows.length === 0) return []
  const chatIds = sql.join(chatRows.map((r) => uuidToBin(r.chat_id)))
  const inChats = (column: string) => sql`${sql.ref(column)} IN (${chatIds})`

  const expanded = (await expandWords(db, queryWords)).filter((ts) => ts.length > 0)
  if (expanded.length === 0) return []
  const allTerms = expanded.flat()
  const wordOf = new Map<number, { word: number; distance: number; term: string }>()
  expanded.forEach((ts, word) => {
    for (const t of ts) wordOf.set(t.id, { word, distance: t.distance, term: t.term })
  })

  // A page of each term's newest postings: enough for every one-word ranking tier.
  const page = Math.max(q.limit * 2, 20)
  const { rows: newest } = await sql<{ term_id: number; message_id: Buffer }>`${unionAll(
    allTerms.map(
      (t) => sql`(SELECT term_id, message_id FROM search_postings
        WHERE term_id = ${t.id} AND ${inChats('chat_id')} ORDER BY message_id DESC LIMIT ${page})`,
    ),
  )}`.execute(db)
  const candidates = new Map<string, Buffer>()
  const fetched = new Map<number, number>()
  for (const r of newest) {
    candidates.set(r.message_id.toString('hex'), r.message_id)
    fetched.set(r.term_id, (fetched.get(r.term_id) ?? 0) + 1)
  }

  // Messages matching several words may be older than every page. If some word's postings all fit
  // in its pages, they are all candidates already; otherwise walk the word with the fewest full
  // pages newest first and keep the messages that also hold a term of another word.
  const full = expanded.map((ts) => ts.filter((t) => fetched.get(t.id) === page))
  if (expanded.length > 1 && full.every((f) => f.length > 0)) {
    const driver = full.reduce((best, f, i) => (f.length < full[best]!.length ? i : best), 0)
    const others = expanded.filter((_, i) => i !== driver).flat()
    const { rows: both } = await sql<{ message_id: Buffer }>`${unionAll(
      full[driver]!.map(
        (t) => sql`(SELECT a.message_id FROM search_postings a
          WHERE a.term_id = ${t.id} AND ${inChats('a.chat_id')}
            AND EXISTS (SELECT 1 FROM search_postings b
              WHERE b.message_id = a.message_id AND b.term_id IN (${sql.join(others.map((o) => o.id))}))
          ORDER BY a.message_id DESC LIMIT ${page})`,
      ),
    )} LIMIT ROWS EXAMINED ${MAX_ROWS_EXAMINED}`.execute(db)
    for (const r of both) candidates.set(r.message_id.toString('hex'), r.message_id)
  }
  if (candidates.size === 0) return []

  // Which query terms each candidate holds, to rank by words matched and edits.
  const held = await db
    .selectFrom('search_postings')
    .select(['message_id', 'term_id'])
    .where('message_id', 'in', [...candidates.values()])
    .where(
      'term_id',
      'in',
      allTerms.map((t) => t.id),
    )
    .execute()
  const byMessage = new Map<string, { best: Map<number, number>; terms: Set<string> }>()
  for (const r of held) {
    const key = r.message_id.toString('hex')
    const m = wordOf.get(r.term_id)!
    let hit = byMessage.get(key)
    if (hit === undefined) {
      hit = { best: new Map(), terms: new Set() }
      byMessage.set(key, hit)
    }
    hit.terms.add(m.term)
    hit.best.set(m.word, Math.min(hit.best.get(m.word) ?? Infinity, m.distance))
  }
  return [...byMessage]
    .map(([key, hit]) => {
      let edits = 0
      for (const d of hit.best.values()) edits += d
      return { key, score: hit.best.size * 100 - edits, terms: [...hit.terms] }
    })
    .sort((a, b) => b.score - a.score || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0))
    .slice(0, q.limit)
    .map((h) => ({
      messageId: binToUuid(Buffer.from(h.key, 'hex')),
      score: h.score,
      terms: h.terms,
    }))
}
