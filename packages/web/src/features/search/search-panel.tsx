import { fullName } from '@messenger/shared'
import { useQuery } from '@tanstack/react-query'
import { useEffect, useId, useState } from 'react'
import { formatDateTime } from '../../lib/format'
import { useI18n } from '../../lib/i18n'
import { keys } from '../../lib/query-keys'
import { chatPath, navigate } from '../../lib/router'
import { errorText } from '../../lib/errors'
import { trpc } from '../../lib/trpc'
import { useChats } from '../chats/use-chats'
import { BackButton } from '../layout/back-button'
import { Highlighted } from './highlighted'

const DEBOUNCE_MS = 300

export const SearchPanel = () => {
  const { t, lang } = useI18n()
  const inputId = useId()
  const [query, setQuery] = useState(() => new URLSearchParams(location.search).get('q') ?? '')
  const [debounced, setDebounced] = useState(query.trim())
  const chats = useChats()

  useEffect(() => {
    const timer = setTimeout(() => setDebounced(query.trim()), DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [query])

  useEffect(() => {
    // Keep the query in the address, so Back from a result returns to the same results.
    history.replaceState(
      null,
      '',
      debounced ? `/search?q=${encodeURIComponent(debounced)}` : '/search',
    )
  }, [debounced])

  const results = useQuery({
    queryKey: keys.search(debounced),
    queryFn: () => trpc.messages.search.query({ query: debounced, limit: 30 }),
    enabled: debounced.length > 0,
  })
  const chatTitle = (chatId: string) => chats.data?.find((c) => c.id === chatId)?.title ?? ''

  return (
    <section className="page" aria-labelledby="search-h">
      <header className="bar">
        <BackButton />
        <h2 id="search-h">{t('searchMessages')}</h2>
      </header>
      <div className="page-body">
        <label htmlFor={inputId} className="visually-hidden">
          {t('searchInput')}
        </label>
        <input
          id={inputId}
          type="search"
          autoFocus
          placeholder={t('searchPlaceholder')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <div role="status" className="muted">
          {results.isFetching ? t('loading') : ''}
          {results.isSuccess && results.data.items.length === 0 ? t('nothingFound') : ''}
          {results.isError ? errorText(t, results.error) : ''}
        </div>
        <ul className="results">
          {results.data?.items.map(({ message, highlight }) => (
            <li key={message.id}>
              <a
                className="result"
                href={chatPath(message.chatId, message.id)}
                onClick={(e) => {
                  e.preventDefault()
                  navigate(chatPath(message.chatId, message.id))
                }}
              >
                <span className="result-top">
                  <strong>{chatTitle(message.chatId)}</strong>
                  <time dateTime={message.createdAt}>
                    {formatDateTime(message.createdAt, lang)}
                  </time>
                </span>
                {fullName(message.sender) === chatTitle(message.chatId) ? null : (
                  <span className="muted">{fullName(message.sender)}</span>
                )}
                <span className="result-text">
                  <Highlighted html={highlight} />
                </span>
              </a>
            </li>
          ))}
        </ul>
      </div>
    </section>
  )
}
