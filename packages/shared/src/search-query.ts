/** Filters of a message search, typed in the query (`from:ada`) or passed as fields. */
export interface SearchFilters {
  /** Sender's login. */
  from?: string
  /** A chat by its title, or a personal chat by the other person's login. */
  in?: string
  hasImage?: boolean
  /** A day, YYYY-MM-DD (UTC): only messages sent before it begins. */
  before?: string
  /** A day, YYYY-MM-DD (UTC): only messages sent on it or later. */
  after?: string
}

export interface ParsedSearchQuery extends SearchFilters {
  /** The query without its filters. */
  text: string
}

const FILTER = /(^|\s)(from|in|has|before|after):(?:"([^"]*)"|(\S*))/giu
const DAY = /^\d{4}-\d{2}-\d{2}$/

/** True for a real calendar day written YYYY-MM-DD. */
export const isDay = (s: string) =>
  DAY.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s

/**
 * Splits the filters out of a typed query: `from:<login>`, `in:<chat>` (quotes allow spaces:
 * `in:"Team chat"`), `has:image`, `before:YYYY-MM-DD`, `after:YYYY-MM-DD`. A filter with an empty
 * or unknown value (`has:cake`, `before:soon`) stays in the text as words, so typing never fails
 * half-way through a filter. The last of a repeated filter wins.
 *
 * @example parseSearchQuery('отчёт from:ada after:2026-11-01') // { text: 'отчёт', from: 'ada', after: '2026-11-01' }
 */
export const parseSearchQuery = (query: string): ParsedSearchQuery => {
  const out: ParsedSearchQuery = { text: '' }
  const text = query.replace(
    FILTER,
    (whole: string, lead: string, key: string, quoted?: string, bare?: string) => {
      const value = (quoted ?? bare ?? '').trim()
      const k = key.toLowerCase()
      if (value === '') return whole
      if (k === 'from') out.from = value.replace(/^@/, '')
      else if (k === 'in') out.in = value
      else if (k === 'has' && /^(image|images|photo|photos)$/i.test(value)) out.hasImage = true
      else if (k === 'before' && isDay(value)) out.before = value
      else if (k === 'after' && isDay(value)) out.after = value
      else return whole
      return lead
    },
  )
  out.text = text.replace(/\s+/g, ' ').trim()
  return out
}

/** A query's filters written back as text, for showing a parsed query as typed. */
export const formatSearchFilters = (f: SearchFilters) =>
  [
    f.from !== undefined && `from:${f.from}`,
    f.in !== undefined && (/\s/.test(f.in) ? `in:"${f.in}"` : `in:${f.in}`),
    f.hasImage === true && 'has:image',
    f.after !== undefined && `after:${f.after}`,
    f.before !== undefined && `before:${f.before}`,
  ]
    .filter((s): s is string => typeof s === 'string')
    .join(' ')
