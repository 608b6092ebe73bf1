/**
 * Text normalization shared by search indexing and highlighting: lowercase, ё→е, split into words of
 * letters and digits. Keeping it in one place means the index and the query always agree.
 */
export const normalizeWord = (word: string) => word.toLowerCase().replaceAll('ё', 'е')

const WORD = /[\p{L}\p{N}]+/gu

/** Words of a text with their offsets, as written (not normalized). */
export function* words(text: string): Generator<{ word: string; start: number; end: number }> {
  for (const m of text.matchAll(WORD)) {
    yield { word: m[0], start: m.index, end: m.index + m[0].length }
  }
}

/** Distinct normalized terms of a text, at most `max` characters each. */
export const terms = (text: string, max = 64): string[] => {
  const out = new Set<string>()
  for (const { word } of words(text)) out.add(normalizeWord(word).slice(0, max))
  return [...out]
}
