/**
 * Text normalization shared by search indexing, querying and highlighting: NFC, lowercase, ё→е,
 * words of letters, digits and combining marks. Keeping it in one place means the index, the query
 * and the highlighter always agree.
 */
export const normalizeWord = (word: string) =>
  word.normalize('NFC').toLowerCase().replaceAll('ё', 'е')

/** Longest indexed term, in code points; longer words are cut to it on both sides of the search. */
export const MAX_TERM_LENGTH = 64

// Combining marks stay inside a word so a decomposed "е\u0308" (ё) is one word, folded by NFC.
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu

/** Words of a text with their offsets, as written (not normalized). */
export function* words(text: string): Generator<{ word: string; start: number; end: number }> {
  for (const m of text.matchAll(WORD)) {
    yield { word: m[0], start: m.index, end: m.index + m[0].length }
  }
}

/** A word's search term: normalized and cut to `max` code points. */
export const termOf = (word: string, max = MAX_TERM_LENGTH) => {
  const t = normalizeWord(word)
  return t.length <= max ? t : Array.from(t).slice(0, max).join('')
}

/** Distinct normalized terms of a text, in order of first appearance. */
export const terms = (text: string, max = MAX_TERM_LENGTH): string[] => {
  const out = new Set<string>()
  for (const { word } of words(text)) out.add(termOf(word, max))
  return [...out]
}
