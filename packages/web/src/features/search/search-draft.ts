import { formatSearchFilters, parseSearchQuery, type SearchFilters } from '@messenger/shared'

/** What the search box holds: filters shown as chips, and the words still in the input. */
export interface SearchDraft {
  filters: SearchFilters
  text: string
}

export type FilterKey = keyof SearchFilters

/** The order chips are shown in, and the order `formatSearchFilters` writes them. */
export const FILTER_KEYS: readonly FilterKey[] = ['from', 'in', 'hasImage', 'after', 'before']

const withoutUndefined = (f: SearchFilters): SearchFilters =>
  Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined))

/** A query as the server and the address bar take it: filters first, then the words. */
export const draftQuery = ({ filters, text }: SearchDraft) =>
  [formatSearchFilters(filters), text.trim()].filter((s) => s !== '').join(' ')

/** A whole query (from the address bar) split into chips and words. */
export const draftFromQuery = (query: string): SearchDraft => {
  const { text, ...filters } = parseSearchQuery(query)
  return { filters: withoutUndefined(filters), text }
}

const oddQuotes = (s: string) => (s.split('"').length - 1) % 2 === 1

/**
 * Where the word still being typed starts: after the last space, or at the word that opens a
 * quote still open before it (`in:"Team ch` is one filter in progress, not `in:"Team` and `ch`).
 */
const pendingStart = (text: string) => {
  let cut = /\s$/.test(text) ? text.length : text.search(/\S*$/)
  while (oddQuotes(text.slice(0, cut))) {
    const quote = text.lastIndexOf('"', cut - 1)
    cut = text.slice(0, quote).search(/\S*$/)
  }
  return cut
}

/**
 * Moves the filters typed in full (followed by a space) out of the text into chips; the word
 * being typed stays, so `from:an` does not become a chip before `n` is typed. A typed filter
 * replaces a chip of the same kind, as the server lets the last of a repeated filter win.
 * `all` also takes the last word (on Enter). Text without finished filters comes back unchanged,
 * so the caret does not jump.
 */
export const absorbFilters = (draft: SearchDraft, all = false): SearchDraft => {
  const cut = all ? draft.text.length : pendingStart(draft.text)
  const head = draft.text.slice(0, cut)
  const { text, ...typed } = parseSearchQuery(head)
  const found = withoutUndefined(typed)
  if (Object.keys(found).length === 0) return draft
  const rest = draft.text.slice(cut)
  return {
    filters: { ...draft.filters, ...found },
    text: text === '' ? rest : `${text} ${rest}`,
  }
}

export const removeFilter = (filters: SearchFilters, key: FilterKey): SearchFilters =>
  Object.fromEntries(Object.entries(filters).filter(([k]) => k !== key))

/** A filter written as it would be typed, e.g. to put a chip back into the input for editing. */
export const filterText = (filters: SearchFilters, key: FilterKey) =>
  formatSearchFilters({ [key]: filters[key] })
