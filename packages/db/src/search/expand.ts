import { switchLayout, termOf, words } from '@messenger/shared'
import { sql, type RawBuilder } from 'kysely'
import type { Executor } from '../queries/chats'
import {
  codePoints,
  deletionVariants,
  fuzzyDistance,
  maxPrefixEdits,
  prefixDistance,
} from './fuzzy'
import { stemOf } from './stem'

/** How a vocabulary term matched a query word, best first. */
export type MatchKind = 'exact' | 'form' | 'prefix' | 'typo'

/**
 * What a match costs in the ranking: exact word, then another form of it, then a completion of
 * the unfinished last word, then typos (one edit before two), a typo in the unfinished word last;
 * a query read through the other keyboard layout ranks below all of these. A message's cost is the
 * sum over the query words it holds; more words matched always comes first (see search.ts).
 */
export const MATCH_COST = {
  exact: 0,
  form: 1,
  prefix: 2,
  typo: 2, // + edits: 3 or 4
  fuzzyPrefix: 5,
  layout: 6, // added to the match's own cost
} as const

export interface WordMatch {
  id: number
  term: string
  kind: MatchKind
  /** Edits for typos and fuzzy prefixes, 0 otherwise. */
  edits: number
  cost: number
}

export interface ExpandedQuery {
  /** The query words searched: the query's own, or the other layout's reading of it. */
  words: string[]
  /** Each word's matching terms, cheapest first, at most `MAX_EXPANSIONS` of them. */
  matches: WordMatch[][]
  /** True when the query was read through the other keyboard layout. */
  layout: boolean
}

/** As Elasticsearch's `max_expansions`: a word expands to at most this many terms, cheapest first. */
export const MAX_EXPANSIONS = 50
/** Query words beyond this many are ignored (the API caps a query at 200 characters anyway). */
export const MAX_QUERY_WORDS = 10
/** Completions of the unfinished last word kept (shortest first): each costs a posting walk. */
export const MAX_COMPLETIONS = 20
/** The unfinished last word needs this many letters to match as a prefix. */
export const MIN_PREFIX_LENGTH = 2
/** Completions read from the vocabulary for an exact prefix (in term order), shortest kept. */
const PREFIX_SCAN = 500
/** Rows read per deletion-variant range when the unfinished word may have a typo. */
const FUZZY_PREFIX_SCAN = 100
/** Forms read per stem: a Russian word has a few dozen at most. */
const FORMS_SCAN = 100

/** A query's distinct search terms, in order, at most `MAX_QUERY_WORDS`. */
export const queryTerms = (query: string) =>
  [...new Set([...words(query)].map((w) => termOf(w.word)))].slice(0, MAX_QUERY_WORDS)

/** `LIKE` pattern for "starts with": terms hold letters, digits and marks, but escape anyway. */
const startsWith = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** Where a candidate came from, so each is checked only for the matches it can be. */
type Source = 'variant' | 'stem' | 'prefix'

interface Candidate {
  id: number
  term: string
  stem: string | null
  src: Source
}

/**
 * Vocabulary terms in one round trip: for `words`, every term that could match them (deletion
 * variants, stems, completions of the last word); for `check`, just enough to tell whether a
 * reading reads as words (the same term, stem or start); for `fuzzyPrefix`, the terms whose start
 * is within one typo of it.
 */
const lookUp = async (
  db: Executor,
  q: { words?: readonly string[]; check?: readonly string[]; fuzzyPrefix?: string },
) => {
  const ws = q.words ?? []
  const check = q.check ?? []
  const variants = [...new Set(ws.flatMap((w) => deletionVariants(w)))]
  const stems = [...new Set([...ws, ...check].map(stemOf))]
  const lastOf = (list: readonly string[]) => {
    const w = list.at(-1)
    return w !== undefined && codePoints(w).length >= MIN_PREFIX_LENGTH ? w : undefined
  }
  const parts: RawBuilder<unknown>[] = []
  if (variants.length > 0) {
    parts.push(sql`(SELECT t.id, t.term, t.stem, 'variant' AS src FROM search_term_variants v
      JOIN search_terms t ON t.id = v.term_id WHERE v.variant IN (${sql.join(variants)}))`)
  }
  if (check.length > 0) {
    parts.push(sql`(SELECT id, term, stem, 'stem' AS src FROM search_terms
      WHERE term IN (${sql.join(check)}))`)
  }
  if (stems.length > 0) {
    parts.push(sql`(SELECT id, term, stem, 'stem' AS src FROM search_terms FORCE INDEX (search_terms_stem)
      WHERE stem IN (${sql.join(stems)}) LIMIT ${FORMS_SCAN * stems.length})`)
  }
  const prefix = lastOf(ws)
  if (prefix !== undefined) {
    parts.push(sql`(SELECT id, term, stem, 'prefix' AS src FROM search_terms FORCE INDEX (search_terms_term)
      WHERE term LIKE ${startsWith(prefix)} ORDER BY term LIMIT ${PREFIX_SCAN})`)
  }
  const checked = lastOf(check)
  if (checked !== undefined) {
    parts.push(sql`(SELECT id, term, stem, 'prefix' AS src FROM search_terms FORCE INDEX (search_terms_term)
      WHERE term LIKE ${startsWith(checked)} ORDER BY term LIMIT 1)`)
  }
  // A typo in the unfinished word: the term's stored variants (deletions from its first letters)
  // start with one of the word's own deletions, so a range scan of the variant index meets it.
  const fuzzy = q.fuzzyPrefix
  if (fuzzy !== undefined) {
    for (const v of deletionVariants(fuzzy, maxPrefixEdits(codePoints(fuzzy).length))) {
      parts.push(sql`(SELECT t.id, t.term, t.stem, 'prefix' AS src FROM search_term_variants v
        JOIN search_terms t ON t.id = v.term_id
        WHERE v.variant LIKE ${startsWith(v)} ORDER BY v.variant LIMIT ${FUZZY_PREFIX_SCAN})`)
    }
  }
  if (parts.length === 0) return []
  const { rows } = await sql<Candidate>`${sql.join(parts, sql` UNION `)}`.execute(db)
  return rows
}

/** The best way each candidate matches `word`, or null. */
const matchOf = (word: string, stem: string, last: boolean, c: Candidate): WordMatch | null => {
  const match = (kind: MatchKind, edits: number, cost: number) => ({
    id: c.id,
    term: c.term,
    kind,
    edits,
    cost,
  })
  if (c.term === word) return match('exact', 0, MATCH_COST.exact)
  if (c.stem === stem) return match('form', 0, MATCH_COST.form)
  if (c.src === 'stem') return null
  const prefix =
    last && codePoints(word).length >= MIN_PREFIX_LENGTH ? prefixDistance(word, c.term) : null
  if (prefix === 0) return match('prefix', 0, MATCH_COST.prefix)
  // Deletion variants meet every term within the word's edits; a prefix scan row is no typo of a
  // word it was not read for, unless the variants met it too.
  const edits = c.src === 'variant' ? fuzzyDistance(word, c.term) : null
  if (edits !== null) return match('typo', edits, MATCH_COST.typo + edits)
  return prefix === null ? null : match('prefix', prefix, MATCH_COST.fuzzyPrefix)
}

const matchWords = (ws: readonly string[], candidates: readonly Candidate[], penalty: number) =>
  ws.map((w, i) => {
    const stem = stemOf(w)
    const last = i === ws.length - 1
    const best = new Map<number, WordMatch>()
    for (const c of candidates) {
      const m = matchOf(w, stem, last, c)
      if (m !== null && (best.get(m.id)?.cost ?? Infinity) > m.cost + penalty) {
        best.set(m.id, { ...m, cost: m.cost + penalty })
      }
    }
    // A typo in an unfinished word is the last resort: only when nothing else matched it.
    let out = [...best.values()]
    if (out.some((m) => m.kind !== 'prefix' || m.edits === 0)) {
      out = out.filter((m) => m.kind !== 'prefix' || m.edits === 0)
    }
    // Cheapest first; among completions of a prefix the shortest, as the likeliest to be meant.
    out.sort(
      (a, b) => a.cost - b.cost || a.term.length - b.term.length || (a.term < b.term ? -1 : 1),
    )
    let completions = 0
    return out
      .filter((m) => m.kind !== 'prefix' || ++completions <= MAX_COMPLETIONS)
      .slice(0, MAX_EXPANSIONS)
  })

/** Words that read as words: found whole or as another form, or as a start for the last word. */
const readCount = (matches: readonly WordMatch[][]) =>
  matches.filter((ms) =>
    ms.some(
      (m) => m.kind === 'form' || m.kind === 'exact' || (m.kind === 'prefix' && m.edits === 0),
    ),
  ).length

/**
 * A typo in the unfinished last word is the last resort: its terms are looked up only when nothing
 * else matched that word and it has the letters for it.
 */
const withFuzzyPrefix = async (
  db: Executor,
  ws: readonly string[],
  matches: WordMatch[][],
  penalty: number,
) => {
  const last = ws.at(-1)
  const length = last === undefined ? 0 : codePoints(last).length
  if (last === undefined || matches.at(-1)!.length > 0 || maxPrefixEdits(length) === 0) {
    return matches
  }
  const found = matchWords([last], await lookUp(db, { fuzzyPrefix: last }), penalty)[0]!
  return [...matches.slice(0, -1), found.filter((m) => m.kind === 'prefix')]
}

/**
 * A query's words and the vocabulary terms each matches: the same word, another form of it (same
 * stem), a completion of the unfinished last word (with one typo allowed from 5 letters on), or a
 * word within its typo allowance. When the query read through the other keyboard layout has more
 * words that read as words, that reading is searched instead, and its matches rank below any
 * match of the query as typed would.
 */
export const expandQuery = async (db: Executor, query: string): Promise<ExpandedQuery> => {
  const typed = queryTerms(query)
  const switched = switchLayout(query)
  const other = switched === null ? [] : queryTerms(switched)
  const useOther = other.length > 0 && other.join(' ') !== typed.join(' ')
  if (typed.length === 0 && !useOther) return { words: [], matches: [], layout: false }
  // The query as typed in full; the other reading only far enough to see whether it reads better.
  const candidates = await lookUp(db, { words: typed, ...(useOther && { check: other }) })
  const asTyped = await withFuzzyPrefix(db, typed, matchWords(typed, candidates, 0), 0)
  if (useOther && readCount(matchWords(other, candidates, 0)) > readCount(asTyped)) {
    const switched = matchWords(other, await lookUp(db, { words: other }), MATCH_COST.layout)
    return {
      words: other,
      matches: await withFuzzyPrefix(db, other, switched, MATCH_COST.layout),
      layout: true,
    }
  }
  return { words: typed, matches: asTyped, layout: false }
}
