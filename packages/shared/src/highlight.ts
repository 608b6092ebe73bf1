import { termOf, words } from './text'

export interface HighlightOptions {
  /** Texts longer than this (in UTF-16 units) become a snippet of about this length. Default 160. */
  maxLength?: number
  /** How much of the snippet comes before the first match, roughly. Default a third. */
  lead?: number
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!)

/**
 * Safe HTML for a search hit: the text escaped, every word whose search term is in `terms` wrapped in
 * `<mark>`, and a long text cut to a snippet around the first match with `…` at the cut ends.
 *
 * @example highlight('Привет, <b>мир</b>', ['мир']) // 'Привет, &lt;b&gt;<mark>мир</mark>&lt;/b&gt;'
 */
export const highlight = (
  text: string,
  terms: Iterable<string>,
  opts: HighlightOptions = {},
): string => {
  const wanted = new Set(terms)
  const maxLength = opts.maxLength ?? 160
  const matches = [...words(text)].filter((w) => wanted.has(termOf(w.word)))

  let from = 0
  let to = text.length
  if (text.length > maxLength) {
    const first = matches[0] ?? { start: 0, end: 0 }
    const lead = opts.lead ?? Math.floor(maxLength / 3)
    from = Math.max(0, Math.min(first.start - lead, text.length - maxLength))
    to = Math.min(text.length, from + maxLength)
    // Cut at whitespace so no word is split, unless a single word spans the whole window.
    if (from > 0) {
      const space = text.slice(from, first.start).search(/\s/)
      from = space >= 0 ? from + space + 1 : first.start
    }
    if (to < text.length) {
      const tail = text.slice(Math.max(first.end, from), to)
      const space = tail.search(/\s\S*$/)
      if (space > 0) to = Math.max(first.end, from) + space
    }
  }

  let out = from > 0 ? '…' : ''
  let at = from
  for (const m of matches) {
    if (m.end <= from || m.start >= to) continue
    const start = Math.max(m.start, from)
    const end = Math.min(m.end, to)
    out += `${escapeHtml(text.slice(at, start))}<mark>${escapeHtml(text.slice(start, end))}</mark>`
    at = end
  }
  const rest = text.slice(at, to)
  return to < text.length ? `${out}${escapeHtml(rest.trimEnd())}…` : out + escapeHtml(rest)
}
