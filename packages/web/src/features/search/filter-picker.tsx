import { fullName, isDay, type Chat, type PublicUser, type SearchFilters } from '@messenger/shared'
import { useId } from 'react'
import { useI18n } from '../../lib/i18n'
import { removeFilter, type FilterKey } from './search-draft'

interface Props {
  id: string
  filters: SearchFilters
  chatId: string | null
  chats: Chat[]
  /** Whom "From" offers: the members of the chosen chat, else everyone in the caller's chats. */
  people: PublicUser[]
  onFilters: (filters: SearchFilters) => void
  onChat: (chatId: string | null) => void
}

const TYPED_CHAT = 'typed'

/**
 * The filters as form controls (native selects and date inputs: a phone shows its own pickers).
 * They show the chips' state and change it, so a filter typed as `from:ann` is selected here too.
 */
export const FilterPicker = ({ id, filters, chatId, chats, people, onFilters, onChat }: Props) => {
  const { t } = useI18n()
  const fromId = useId()
  const chatSelectId = useId()
  const afterId = useId()
  const beforeId = useId()
  const set = (key: FilterKey, value: string | boolean | undefined) =>
    onFilters(
      value === undefined || value === '' || value === false
        ? removeFilter(filters, key)
        : { ...filters, [key]: value },
    )
  const from = filters.from ?? ''
  const fromKnown = from === '' || people.some((p) => p.login.toLowerCase() === from.toLowerCase())

  return (
    <div id={id} className="filter-picker">
      <div className="filter-field">
        <label htmlFor={fromId}>{t('filterFrom')}</label>
        <select id={fromId} value={from} onChange={(e) => set('from', e.target.value)}>
          <option value="">{t('anyone')}</option>
          {fromKnown ? null : <option value={from}>{from}</option>}
          {people.map((p) => (
            <option key={p.id} value={p.login}>
              {fullName(p)} (@{p.login})
            </option>
          ))}
        </select>
      </div>
      <div className="filter-field">
        <label htmlFor={chatSelectId}>{t('filterChat')}</label>
        <select
          id={chatSelectId}
          value={chatId ?? (filters.in === undefined ? '' : TYPED_CHAT)}
          onChange={(e) => {
            const v = e.target.value
            if (v === TYPED_CHAT) return
            onFilters(removeFilter(filters, 'in'))
            onChat(v === '' ? null : v)
          }}
        >
          <option value="">{t('allChats')}</option>
          {filters.in === undefined ? null : <option value={TYPED_CHAT}>{filters.in}</option>}
          {chats.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
        </select>
      </div>
      <div className="filter-field">
        <label htmlFor={afterId}>{t('filterAfter')}</label>
        <input
          id={afterId}
          type="date"
          value={filters.after ?? ''}
          max={filters.before}
          onChange={(e) => set('after', isDay(e.target.value) ? e.target.value : undefined)}
        />
      </div>
      <div className="filter-field">
        <label htmlFor={beforeId}>{t('filterBefore')}</label>
        <input
          id={beforeId}
          type="date"
          value={filters.before ?? ''}
          min={filters.after}
          onChange={(e) => set('before', isDay(e.target.value) ? e.target.value : undefined)}
        />
      </div>
      <button
        type="button"
        className="filter-toggle"
        aria-pressed={filters.hasImage === true}
        onClick={() => set('hasImage', filters.hasImage !== true)}
      >
        {t('filterHasImage')}
      </button>
    </div>
  )
}
