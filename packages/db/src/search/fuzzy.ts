/**
 * The fuzziness of Elasticsearch's `fuzziness: AUTO` with `prefix_length: 1`, on code points:
 * words of 1-2 letters match exactly, 3-5 letters within one edit, longer within two; the first
 * letter never changes; a transposition of neighbours is one edit (optimal string alignment, as
 * Lucene's `transpositions: true`).
 */
export const maxEdits = (length: number) => (length <= 2 ? 0 : length <= 5 ? 1 : 2)

/**
 * Deletion variants are made from this many leading code points only (SymSpell's prefix trick): a
 * term within d edits of a word shares a variant with it made by at most d deletions on each side of
 * the two prefixes, so long words cost at most 46 variants; candidates are verified on whole words.
 */
export const VARIANT_PREFIX = 10

/**
 * The strings made by deleting up to `edits` code points after the first from the word's prefix,
 * the prefix itself included. Index side and query side use the same function.
 */
export const deletionVariants = (word: string, edits = maxEdits(codePoints(word).length)) => {
  const prefix = codePoints(word).slice(0, VARIANT_PREFIX)
  const out = new Set<string>([prefix.join('')])
  let level: string[][] = [prefix]
  for (let e = 0; e < edits; e++) {
    const next: string[][] = []
    for (const cps of level) {
      for (let i = 1; i < cps.length; i++) {
        const v = [...cps.slice(0, i), ...cps.slice(i + 1)]
        const s = v.join('')
        if (!out.has(s)) {
          out.add(s)
          next.push(v)
        }
      }
    }
    level = next
  }
  return [...out]
}

export const codePoints = (s: string) => Array.from(s)

/**
 * Edit distance with adjacent transpositions (optimal string alignment) between a and b, or
 * `max + 1` as soon as it is known to exceed `max`.
 */
export const editDistance = (a: readonly string[], b: readonly string[], max: number) => {
  if (Math.abs(a.length - b.length) > max) return max + 1
  const n = b.length
  let prev2 = new Array<number>(n + 1).fill(0)
  let prev = Array.from({ length: n + 1 }, (_, j) => j)
  let cur = new Array<number>(n + 1).fill(0)
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i
    let rowMin = i
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prev2[j - 2]! + 1)
      }
      cur[j] = d
      if (d < rowMin) rowMin = d
    }
    if (rowMin > max) return max + 1
    ;[prev2, prev, cur] = [prev, cur, prev2]
  }
  return Math.min(prev[n]!, max + 1)
}

/**
 * How far `term` is from the query word `word` under the rules above, or null when it is not a
 * match (first letter differs, or more edits than the word's length allows).
 */
export const fuzzyDistance = (word: string, term: string): number | null => {
  const a = codePoints(word)
  const b = codePoints(term)
  if (a.length === 0 || b.length === 0 || a[0] !== b[0]) return null
  const max = maxEdits(a.length)
  const d = editDistance(a.slice(1), b.slice(1), max)
  return d <= max ? d : null
}

/** Edits allowed between an unfinished last word and the start of a term: one from 5 letters. */
export const maxPrefixEdits = (length: number) => (length < 5 ? 0 : 1)

/**
 * How far the start of `term` is from the unfinished word `word` (the fewest edits that turn
 * `word` into some prefix of `term`), or null past `maxPrefixEdits` or when the first letter
 * differs. "оборо" is 0 from "оборона", "respnsib" 1 from "responsibility".
 */
export const prefixDistance = (word: string, term: string): number | null => {
  const a = codePoints(word)
  const b = codePoints(term)
  if (a.length === 0 || b.length === 0 || a[0] !== b[0]) return null
  const max = maxPrefixEdits(a.length)
  // Optimal string alignment of a against every prefix of b: the last row's minimum.
  const n = Math.min(b.length, a.length + max)
  let prev2 = new Array<number>(n + 1).fill(0)
  let prev = Array.from({ length: n + 1 }, (_, j) => j)
  let cur = new Array<number>(n + 1).fill(0)
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prev2[j - 2]! + 1)
      }
      cur[j] = d
    }
    ;[prev2, prev, cur] = [prev, cur, prev2]
  }
  const d = Math.min(...prev.slice(0, n + 1))
  return d <= max ? d : null
}
