import type { PublicUser } from '@messenger/shared'
import { fullName } from '@messenger/shared'
import { useQuery } from '@tanstack/react-query'
import { useDeferredValue, useId, useState } from 'react'
import { useI18n } from '../../lib/i18n'
import { keys } from '../../lib/query-keys'
import { trpc } from '../../lib/trpc'
import { Avatar } from '../layout/avatar'

/** Search people by name, login or email; `onPick` is called with the one clicked. */
export const UserPicker = ({
  onPick,
  exclude,
  selectedIds = [],
}: {
  onPick: (user: PublicUser) => void
  exclude: string[]
  selectedIds?: string[]
}) => {
  const { t } = useI18n()
  const id = useId()
  const [query, setQuery] = useState('')
  const deferred = useDeferredValue(query.trim())
  const users = useQuery({
    queryKey: keys.users(deferred),
    queryFn: () => trpc.users.search.query({ query: deferred, limit: 20 }),
    enabled: deferred.length > 0,
  })
  const items = users.data?.items.filter((u) => !exclude.includes(u.id)) ?? []

  return (
    <div className="user-picker">
      <label htmlFor={id}>{t('findPeople')}</label>
      <input
        id={id}
        type="search"
        placeholder={t('findPeoplePlaceholder')}
        value={query}
        data-autofocus
        onChange={(e) => setQuery(e.target.value)}
      />
      {deferred.length > 0 && users.isSuccess && items.length === 0 ? (
        <p className="muted">{t('nobodyFound')}</p>
      ) : null}
      <ul className="people">
        {items.map((u) => {
          const selected = selectedIds.includes(u.id)
          return (
            <li key={u.id}>
              <button
                type="button"
                className={`person${selected ? ' selected' : ''}`}
                aria-pressed={selectedIds.length > 0 || selected ? selected : undefined}
                onClick={() => onPick(u)}
              >
                <Avatar id={u.id} name={fullName(u)} size={32} avatar={u.avatar} />
                <span>
                  {fullName(u)} <span className="muted">@{u.login}</span>
                </span>
              </button>
            </li>
          )
        })}
      </ul>
    </div>
  )
}
