import { stemmer as englishStem } from '@orama/stemmers/english'
import { stemmer as russianStem } from '@orama/stemmers/russian'

const CYRILLIC = /\p{Script=Cyrillic}/u
const LATIN = /^[a-z]+$/

/**
 * A search term's stem, so another form of a word finds it: Snowball's Russian stemmer for terms
 * with Cyrillic letters, Porter's English one for Latin terms — the stemmers Elasticsearch's
 * `russian` and `english` analyzers use, so both stores agree on what a word form is. Other terms
 * (digits, other scripts, mixed) are their own stem. Terms come normalized (lowercase, ё→е).
 *
 * @example stemOf('буйного') === stemOf('буйны') // 'буйн'
 */
export const stemOf = (term: string): string => {
  if (CYRILLIC.test(term)) return /^[а-я]+$/.test(term) ? russianStem(term) : term
  return LATIN.test(term) ? englishStem(term) : term
}
