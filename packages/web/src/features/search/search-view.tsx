import {
  fullName,
  parseSearchQuery,
  type Chat,
  type PublicUser,
  type SearchFilters,
} from '@messenger/shared'
import { TRPCClientError } from '@trpc/client'
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { errorText } from '../../lib/errors'
import { parseHighlight } from '../../lib/highlight'
import { formatDateTime } from '../../lib/format'
import { useI18n } from '../../lib/i18n'
import { chatPath, navigate, searchPath } from '../../lib/router'
import { BackButton } from '../layout/back-button'
import { chipKeys, FilterChips, type ChipKey } from './filter-chips'
import { FilterPicker } from './filter-picker'
import { Highlighted } from './highlighted'
import { layoutReading } from './layout-reading'
import {
  absorbFilters,
  draftFromQuery,
  draftQuery,
  filterText,
  removeFilter,
  type SearchDraft,
} from './search-draft'
import { useMessageSearch, type SearchFn } from './use-message-search'

/** Long enough to skip the requests of a word typed quickly, short enough to feel immediate. */
export const SEARCH_DEBOUNCE_MS = 250
const MAX_QUERY = 200

interface Props {
  chats: Chat[]
  /** The query from the address bar (words and typed filters). */
  initialQuery: string
  /** The chat to search in, when opened from it. */
  initialChatId: string | null
  search: SearchFn
}

/** The search backend is down (sending and history are not): the server's 503 for search. */
const searchUnavailable = (error: unknown) =>
  error instanceof TRPCClientError &&
  (error.data as { code?: string } | undefined)?.code === 'SERVICE_UNAVAILABLE'

/** Everyone in the given chats, once each, by name. */
const peopleOf = (chats: Chat[]): PublicUser[] => {
  const byId = new Map<string, PublicUser>()
  for (const c of chats) for (const m of c.members) byId.set(m.id, m)
  return [...byId.values()].sort((a, b) => fullName(a).localeCompare(fullName(b)))
}

/**
 * Search as you type: words in the input, filters as chips (typed in full, or picked under
 * Filters), results with what matched marked, paged with "More results".
 */
export const SearchView = ({ chats, initialQuery, initialChatId, search }: Props) => {
  const { t, lang } = useI18n()
  const inputId = useId()
  const pickerId = useId()
  const hintId = useId()
  const input = useRef<HTMLInputElement>(null)
  const [draft, setDraft] = useState<SearchDraft>(() => draftFromQuery(initialQuery))
  const [chatId, setChatId] = useState<string | null>(initialChatId)
  const [picking, setPicking] = useState(false)
  const query = draftQuery(draft)
  const [debounced, setDebounced] = useState(query)

  useEffect(() => {
    const timer = setTimeout(() => setDebounced(query), SEARCH_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [query])

  // The query stays in the address, so Back from a result returns to the same results.
  useEffect(() => {
    navigate(searchPath(debounced, chatId), { replace: true })
  }, [debounced, chatId])

  const results = useMessageSearch(debounced, chatId, search)
  const chat = chatId === null ? undefined : chats.find((c) => c.id === chatId)
  const people = useMemo(() => peopleOf(chat ? [chat] : chats), [chat, chats])
  const byLogin = useMemo(
    () => new Map(peopleOf(chats).map((p) => [p.login.toLowerCase(), p])),
    [chats],
  )
  const chatTitle = (id: string) => chats.find((c) => c.id === id)?.title ?? ''

  const update = (next: SearchDraft) => {
    // A chat typed as `in:` replaces the one picked, as the server would find nothing for both.
    if (next.filters.in !== undefined && next.filters.in !== draft.filters.in) setChatId(null)
    setDraft(next)
  }
  const removeChip = (key: ChipKey) => {
    if (key === 'chat') setChatId(null)
    else setDraft({ ...draft, filters: removeFilter(draft.filters, key) })
    input.current?.focus()
  }
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const el = e.currentTarget
    if (e.key !== 'Backspace' || el.selectionStart !== 0 || el.selectionEnd !== 0) return
    const last = chipKeys(draft.filters, chatId !== null).at(-1)
    if (last === undefined) return
    e.preventDefault()
    // Backspace into an empty input reopens the last chip as text, to edit it; else removes it.
    if (last !== 'chat' && draft.text === '') {
      setDraft({
        filters: removeFilter(draft.filters, last),
        text: filterText(draft.filters, last),
      })
    } else removeChip(last)
  }

  const items = useMemo(
    () => (debounced === '' ? [] : (results.data?.pages.flatMap((p) => p.items) ?? [])),
    [debounced, results.data],
  )
  const waiting = query !== debounced || (results.isFetching && !results.isFetchingNextPage)
  const stale = waiting && items.length > 0
  let status = ''
  if (debounced === '') status = ''
  else if (waiting) status = t('searching')
  else if (results.isError) {
    status = searchUnavailable(results.error) ? t('searchUnavailable') : errorText(t, results.error)
  } else if (results.isSuccess) {
    status = items.length === 0 ? t('nothingFound') : t('resultsCount', { count: items.length })
  }

  const readAs = useMemo(
    () =>
      layoutReading(
        parseSearchQuery(debounced).text,
        items
          .flatMap((i) => parseHighlight(i.highlight).filter((p) => p.marked))
          .map((p) => p.text),
      ),
    [debounced, items],
  )

  return (
    <section className="page search-page" aria-labelledby="search-h">
      <header className="bar">
        <BackButton to={initialChatId !== null ? chatPath(initialChatId) : '/'} />
        <h2 id="search-h">
          {chat ? t('searchInTitle', { title: chat.title }) : t('searchMessages')}
        </h2>
      </header>
      <div className="page-body">
        <form
          role="search"
          className="search-form"
          onSubmit={(e) => {
            e.preventDefault()
            const next = absorbFilters(draft, true)
            update(next)
            setDebounced(draftQuery(next))
          }}
        >
          <div className="search-row">
            <label htmlFor={inputId} className="visually-hidden">
              {t('searchInput')}
            </label>
            <input
              ref={input}
              id={inputId}
              type="search"
              autoFocus
              autoComplete="off"
              enterKeyHint="search"
              maxLength={MAX_QUERY}
              aria-describedby={hintId}
              placeholder={chat ? t('searchInChat') : t('searchPlaceholder')}
              value={draft.text}
              onChange={(e) => update(absorbFilters({ ...draft, text: e.target.value }))}
              onKeyDown={onKeyDown}
            />
            <button
              type="button"
              className="filters-button"
              aria-expanded={picking}
              aria-controls={pickerId}
              onClick={() => setPicking(!picking)}
            >
              {t('filters')}
            </button>
          </div>
          <div
            className={waiting && debounced !== '' ? 'search-progress busy' : 'search-progress'}
          />
          <FilterChips
            filters={draft.filters}
            chatTitle={chatId === null ? null : chatTitle(chatId)}
            nameOf={(login) => {
              const p = byLogin.get(login.toLowerCase())
              return p ? fullName(p) : undefined
            }}
            onRemove={removeChip}
          />
          {picking ? (
            <FilterPicker
              id={pickerId}
              filters={draft.filters}
              chatId={chatId}
              chats={chats}
              people={people}
              onFilters={(filters: SearchFilters) => setDraft({ ...draft, filters })}
              onChat={setChatId}
            />
          ) : null}
        </form>
        <p id={hintId} className="muted search-hint" hidden={query !== ''}>
          {t('searchHint')}
        </p>
        <div role="status" className="muted search-status">
          <span>{status}</span>
          {readAs !== null && !waiting ? <span>{t('searchedAs', { query: readAs })}</span> : null}
        </div>
        <ul
          className={stale ? 'results stale' : 'results'}
          aria-label={t('searchResults')}
          aria-busy={waiting}
        >
          {items.map(({ message, highlight }) => (
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
                {highlight === '' ? null : (
                  <span className="result-text">
                    <Highlighted html={highlight} />
                  </span>
                )}
                {message.images.length > 0 ? (
                  <span className="muted">
                    {t('imagesCount', { count: message.images.length })}
                  </span>
                ) : null}
              </a>
            </li>
          ))}
        </ul>
        {results.hasNextPage && !stale ? (
          <button
            type="button"
            className="more-results"
            disabled={results.isFetchingNextPage}
            onClick={() => void results.fetchNextPage()}
          >
            {results.isFetchingNextPage ? t('loading') : t('moreResults')}
          </button>
        ) : null}
      </div>
    </section>
  )
}
