import type { estypes } from '@elastic/elasticsearch'
import {
  MATCH_COST,
  MIN_PREFIX_LENGTH,
  maxEdits,
  maxPrefixEdits,
  queryTerms,
  switchLayout,
} from '@messenger/db'

type Query = estypes.QueryDslQueryContainer

/** What one matched query word is worth before its cost, as in the MySQL index's ranking. */
const WORD_SCORE = 1000

const codePoints = (s: string) => Array.from(s).length

/**
 * The ways one query word may match, each worth WORD_SCORE minus its cost (MATCH_COST, the same
 * table the MySQL index ranks by): the word itself, another form (Russian and English stemmers), a
 * completion of the unfinished last word (edge n-grams), one or two typos, a completion with a
 * typo. `dis_max` keeps the best, so a word counts once; `constant_score` keeps BM25 out of it.
 */
const wordMatches = (word: string, last: boolean, extra: number) => {
  const length = codePoints(word)
  const ways: { query: Query; cost: number }[] = [
    { query: { match: { text: { query: word } } }, cost: MATCH_COST.exact },
    {
      query: { multi_match: { query: word, fields: ['text.ru', 'text.en'] } },
      cost: MATCH_COST.form,
    },
  ]
  const prefix = last && length >= MIN_PREFIX_LENGTH
  if (prefix) {
    ways.push({ query: { match: { 'text.prefix': { query: word } } }, cost: MATCH_COST.prefix })
  }
  // Typos as the MySQL index allows them: none up to 2 letters, one up to 5, else two; the
  // first letter right; a swap of two letters is one edit.
  for (let edits = 1; edits <= maxEdits(length); edits++) {
    ways.push({
      query: {
        match: {
          text: { query: word, fuzziness: edits, prefix_length: 1, fuzzy_transpositions: true },
        },
      },
      cost: MATCH_COST.typo + edits,
    })
  }
  if (prefix && maxPrefixEdits(length) > 0) {
    ways.push({
      query: {
        match: {
          'text.prefix': {
            query: word,
            fuzziness: maxPrefixEdits(length),
            prefix_length: 1,
            fuzzy_transpositions: true,
          },
        },
      },
      cost: MATCH_COST.fuzzyPrefix,
    })
  }
  return ways.map((w) => ({ query: w.query, score: WORD_SCORE - w.cost - extra }))
}

export interface TextQuery {
  /** Scores each message as the MySQL index does: per word matched, its best match's worth. */
  query: Query
  /** The same matches without scoring, for the highlighter. */
  highlight: Query
  /** The query as read through the other keyboard layout, when it has letters to switch. */
  layout: string | null
}

const reading = (words: readonly string[], extra: number) => {
  const perWord = words.map((w, i) => wordMatches(w, i === words.length - 1, extra))
  return {
    scored: {
      bool: {
        should: perWord.map((ways): Query => ({
          dis_max: {
            queries: ways.map((w) => ({ constant_score: { filter: w.query, boost: w.score } })),
          },
        })),
        minimum_should_match: 1,
      },
    } satisfies Query,
    plain: perWord.flatMap((ways) => ways.map((w) => w.query)),
  }
}

/**
 * The words part of a search, ranked like the MySQL index: more query words matched first, then
 * the cheaper matches (exact, form, completion, typo, completion with a typo), then (by the
 * caller's sort) newer. The query is also read through the other keyboard layout (ЙЦУКЕН ↔
 * QWERTY), each match of that reading costing MATCH_COST.layout more, so it ranks below the same
 * match as typed; a message scores by the better of the two readings. Null for no words.
 */
export const textQuery = (query: string): TextQuery | null => {
  const words = queryTerms(query)
  if (words.length === 0) return null
  const typed = reading(words, 0)
  const switched = switchLayout(query)
  const switchedWords = switched === null ? [] : queryTerms(switched)
  const other =
    switchedWords.length > 0 && switchedWords.join(' ') !== words.join(' ')
      ? reading(switchedWords, MATCH_COST.layout)
      : null
  return {
    query: other === null ? typed.scored : { dis_max: { queries: [typed.scored, other.scored] } },
    highlight: { bool: { should: [...typed.plain, ...(other?.plain ?? [])] } },
    layout: other === null ? null : switched,
  }
}

/** Private-use characters around highlighted words, which no message text is expected to hold. */
export const MARK_START = '\uE000'
export const MARK_END = '\uE001'
const MARKED = new RegExp(`${MARK_START}([^${MARK_END}]*)${MARK_END}`, 'gu')

/**
 * The words Elasticsearch marked in the whole text of each highlighted field (the text as typed,
 * its stemmed readings, its edge n-grams), for the shared highlighter to mark in the stored text,
 * as it does for the MySQL index.
 */
export const markedWords = (highlight: Record<string, string[]> | undefined): string[] => {
  const out = new Set<string>()
  for (const fragments of Object.values(highlight ?? {})) {
    for (const f of fragments) {
      for (const m of f.matchAll(MARKED)) for (const w of queryTerms(m[1] ?? '')) out.add(w)
    }
  }
  return [...out]
}
