import type { SearchFilters } from '@messenger/shared'
import { formatCalendarDay } from '../../lib/format'
import { useI18n } from '../../lib/i18n'
import { CloseIcon } from '../layout/icons'
import { FILTER_KEYS, type FilterKey } from './search-draft'

/** A chip: a filter on the search, or the chat it is narrowed to. */
export type ChipKey = FilterKey | 'chat'

interface Props {
  filters: SearchFilters
  /** The title of the chat the search is narrowed to (picked, or opened from that chat). */
  chatTitle: string | null
  /** A login's full name, when the person is among the caller's contacts. */
  nameOf: (login: string) => string | undefined
  onRemove: (key: ChipKey) => void
}

/** The chips present, in the order shown: the chat first, then the filters as typed. */
export const chipKeys = (filters: SearchFilters, hasChat: boolean): ChipKey[] => [
  ...(hasChat ? (['chat'] as const) : []),
  ...FILTER_KEYS.filter((k) => filters[k] !== undefined),
]

/** The search's filters as removable chips; each one's button says what removing it removes. */
export const FilterChips = ({ filters, chatTitle, nameOf, onRemove }: Props) => {
  const { t, lang } = useI18n()
  const label = (key: ChipKey): string => {
    switch (key) {
      case 'chat':
        return t('chipIn', { name: chatTitle ?? '' })
      case 'from':
        return t('chipFrom', { name: nameOf(filters.from ?? '') ?? filters.from ?? '' })
      case 'in':
        return t('chipIn', { name: filters.in ?? '' })
      case 'hasImage':
        return t('filterHasImage')
      case 'after':
        return t('chipAfter', { date: formatCalendarDay(filters.after ?? '', lang) })
      case 'before':
        return t('chipBefore', { date: formatCalendarDay(filters.before ?? '', lang) })
    }
  }
  const present = chipKeys(filters, chatTitle !== null)
  if (present.length === 0) return null
  return (
    <ul className="chips" aria-label={t('searchFilters')}>
      {present.map((key) => (
        <li key={key}>
          <button
            type="button"
            className="chip"
            aria-label={t('removeFilter', { name: label(key) })}
            onClick={() => onRemove(key)}
          >
            <span>{label(key)}</span>
            <CloseIcon />
          </button>
        </li>
      ))}
    </ul>
  )
}
