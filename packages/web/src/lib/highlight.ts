export interface HighlightPart {
  text: string
  marked: boolean
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
}

/** Decodes the entities an HTML escaper produces; anything unknown is left as written. */
export const unescapeHtml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) {
      return String.fromCodePoint(Number.parseInt(ref.slice(2), 16))
    }
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10))
    return ENTITIES[ref.toLowerCase()] ?? whole
  })

/**
 * Splits a search highlight (escaped text with `<mark>` tags) into plain parts for React to render
 * as text nodes, so nothing from the server is ever interpreted as HTML.
 */
export const parseHighlight = (highlight: string): HighlightPart[] => {
  const parts: HighlightPart[] = []
  const re = /<mark>([\s\S]*?)<\/mark>/g
  let last = 0
  for (const m of highlight.matchAll(re)) {
    if (m.index > last) parts.push({ text: highlight.slice(last, m.index), marked: false })
    parts.push({ text: m[1] ?? '', marked: true })
    last = m.index + m[0].length
  }
  if (last < highlight.length) parts.push({ text: highlight.slice(last), marked: false })
  // Stray tags (should not happen) are dropped rather than shown as markup.
  return parts
    .map((p) => ({ ...p, text: unescapeHtml(p.text.replace(/<\/?mark>/g, '')) }))
    .filter((p) => p.text.length > 0)
}
