import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { TRPCClientError } from '@trpc/client'
import {
  cleanup,
  configure,
  fireEvent,
  render,
  screen,
  waitFor,
  within,
} from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { I18nProvider, translate, type Lang, type MessageKey } from '../../lib/i18n'
import { chat, message, user } from '../../test/factories'
import { SearchView } from './search-view'
import type { SearchFn, SearchPage, SearchRequest } from './use-message-search'

// The debounce alone takes a quarter of the default second; a loaded machine needs more.
configure({ asyncUtilTimeout: 5000 })

const ann = user('Ann')
const bob = user('Bob')
const team = chat('Team', [ann, bob, user('Cid')])
const t = (key: MessageKey, vars?: Record<string, string | number>) => translate('en', key, vars)

interface Call {
  input: SearchRequest
  signal: AbortSignal
  answer: (page: SearchPage) => void
  fail: (error: Error) => void
}

/** The server's side of a search, answered by the test when and how it wants. */
const controlledSearch = () => {
  const calls: Call[] = []
  const search: SearchFn = (input, signal) =>
    new Promise<SearchPage>((answer, fail) => calls.push({ input, signal, answer, fail }))
  return { calls, search }
}

const hit = (text: string, marked: string): SearchPage['items'][number] => ({
  message: message(team.id, ann, text, '2026-11-20T10:00:00.000Z'),
  highlight: text.replace(marked, `<mark>${marked}</mark>`),
})

const show = (search: SearchFn, opts: { query?: string; chatId?: string; lang?: Lang } = {}) => {
  localStorage.setItem('messenger.lang', opts.lang ?? 'en')
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  return render(
    <I18nProvider>
      <QueryClientProvider client={qc}>
        <SearchView
          chats={[team]}
          initialQuery={opts.query ?? ''}
          initialChatId={opts.chatId ?? null}
          search={search}
        />
      </QueryClientProvider>
    </I18nProvider>,
  )
}

const box = () => screen.getByRole('searchbox')
const type = (text: string) => fireEvent.change(box(), { target: { value: text } })
const results = () => screen.getAllByRole('link').map((a) => a.textContent)

describe('search as you type', () => {
  beforeEach(() => history.replaceState(null, '', '/search'))
  afterEach(cleanup)

  it('labels the search box in the reader’s language', () => {
    show(controlledSearch().search, { lang: 'ru' })
    expect(screen.getByRole('searchbox', { name: translate('ru', 'searchInput') })).toBe(box())
  })

  it('never shows an older answer over a newer one, and aborts the older request', async () => {
    const { calls, search } = controlledSearch()
    show(search)
    type('alp')
    await waitFor(() => expect(calls).toHaveLength(1))
    type('alpha')
    await waitFor(() => expect(calls).toHaveLength(2))
    expect(calls[0]!.signal.aborted).toBe(true)
    expect(calls[1]!.input.query).toBe('alpha')

    calls[1]!.answer({ items: [hit('alpha one', 'alpha')], nextCursor: null })
    await screen.findByRole('link', { name: /alpha one/ })
    // The older request's answer arrives last (its server did not notice the abort): ignored.
    calls[0]!.answer({ items: [hit('alpine old', 'alpine')], nextCursor: null })
    await new Promise((r) => setTimeout(r, 50))
    expect(results()).toHaveLength(1)
    expect(results()[0]).toContain('alpha one')
    expect(screen.getByRole('status').textContent).toBe(t('resultsCount', { count: 1 }))
    expect(location.search).toBe('?q=alpha')
  })

  it('marks what matched and says when a search is under way', async () => {
    const { calls, search } = controlledSearch()
    show(search)
    type('ghbdtn')
    await waitFor(() => expect(calls).toHaveLength(1))
    expect(screen.getByRole('status').textContent).toBe(t('searching'))
    expect(screen.getByRole('list', { busy: true })).toBeTruthy()
    calls[0]!.answer({ items: [hit('Привет, мир', 'Привет')], nextCursor: null })
    await waitFor(() => expect(results()[0]).toContain('Привет, мир'))
    expect(screen.getByRole('link').querySelector('mark')?.textContent).toBe('Привет')
    // The server searched the other layout's reading; the reader is told what was searched.
    expect(screen.getByRole('status').textContent).toContain(t('searchedAs', { query: 'привет' }))
  })

  it('turns typed filters into chips that stay in sync with the query and the pickers', async () => {
    const { calls, search } = controlledSearch()
    show(search)
    type('plan from:ann ')
    // The filter left the input for a chip; the query still carries it.
    expect(box()).toHaveProperty('value', 'plan ')
    const chips = screen.getByRole('list', { name: t('searchFilters') })
    const fromChip = within(chips).getByRole('button', {
      name: t('removeFilter', { name: t('chipFrom', { name: 'Ann Test' }) }),
    })
    await waitFor(() => expect(calls.at(-1)?.input.query).toBe('from:ann plan'))

    // Picked under Filters: the same chips, and the picker shows the typed filter.
    fireEvent.click(screen.getByRole('button', { name: t('filters') }))
    expect(screen.getByLabelText(t('filterFrom'))).toHaveProperty('value', 'ann')
    fireEvent.click(screen.getByRole('button', { name: t('filterHasImage'), pressed: false }))
    fireEvent.change(screen.getByLabelText(t('filterAfter')), { target: { value: '2026-11-01' } })
    fireEvent.change(screen.getByLabelText(t('filterChat')), { target: { value: team.id } })
    await waitFor(() =>
      expect(calls.at(-1)?.input).toEqual({
        query: 'from:ann has:image after:2026-11-01 plan',
        chatId: team.id,
        limit: 20,
      }),
    )
    expect(
      within(chips)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual([
      t('chipIn', { name: 'Team' }),
      t('chipFrom', { name: 'Ann Test' }),
      t('filterHasImage'),
      t('chipAfter', { date: '1 Nov 2026' }),
    ])

    // Removing a chip removes the filter everywhere, and focus returns to the input.
    fireEvent.click(fromChip)
    expect(document.activeElement).toBe(box())
    expect(screen.getByLabelText(t('filterFrom'))).toHaveProperty('value', '')
    await waitFor(() => expect(calls.at(-1)?.input.query).toBe('has:image after:2026-11-01 plan'))

    // Backspace at the start of an empty input reopens the last chip as text to edit.
    type('')
    fireEvent.keyDown(box(), { key: 'Backspace' })
    expect(box()).toHaveProperty('value', 'after:2026-11-01')
    expect(within(chips).queryByText(t('chipAfter', { date: '1 Nov 2026' }))).toBeNull()
  })

  it('searches in the chat it was opened from until that chip is removed', async () => {
    const { calls, search } = controlledSearch()
    show(search, { chatId: team.id, query: 'report' })
    expect(screen.getByRole('heading', { name: t('searchInTitle', { title: 'Team' }) }))
    await waitFor(() => expect(calls).toHaveLength(1))
    expect(calls[0]!.input).toEqual({ query: 'report', chatId: team.id, limit: 20 })
    fireEvent.click(
      screen.getByRole('button', {
        name: t('removeFilter', { name: t('chipIn', { name: 'Team' }) }),
      }),
    )
    await waitFor(() => expect(calls).toHaveLength(2))
    expect(calls[1]!.input).toEqual({ query: 'report', limit: 20 })
    expect(screen.getByRole('heading', { name: t('searchMessages') }))
  })

  it('pages with a cursor', async () => {
    const { calls, search } = controlledSearch()
    show(search, { query: 'plan' })
    await waitFor(() => expect(calls).toHaveLength(1))
    calls[0]!.answer({ items: [hit('plan one', 'plan')], nextCursor: 'c1' })
    fireEvent.click(await screen.findByRole('button', { name: t('moreResults') }))
    await waitFor(() => expect(calls).toHaveLength(2))
    expect(calls[1]!.input).toEqual({ query: 'plan', limit: 20, cursor: 'c1' })
    calls[1]!.answer({ items: [hit('plan two', 'plan')], nextCursor: null })
    await screen.findByRole('link', { name: /plan two/ })
    expect(results()).toHaveLength(2)
    expect(screen.queryByRole('button', { name: t('moreResults') })).toBeNull()
  })

  it('says "nothing found" and what failed, in the reader’s language', async () => {
    const { calls, search } = controlledSearch()
    show(search, { query: 'zzz', lang: 'ru' })
    await waitFor(() => expect(calls).toHaveLength(1))
    calls[0]!.answer({ items: [], nextCursor: null })
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe(translate('ru', 'nothingFound')),
    )
    type('zzzz')
    await waitFor(() => expect(calls).toHaveLength(2))
    calls[1]!.fail(new TypeError('Failed to fetch'))
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe(translate('ru', 'errNetwork')),
    )
    // The search backend is down: said as such, not as a generic server failure.
    type('zzzzz')
    await waitFor(() => expect(calls).toHaveLength(3))
    calls[2]!.fail(
      TRPCClientError.from({
        error: {
          code: -32603,
          message: 'Search is unavailable right now',
          data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503 },
        },
      }),
    )
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe(translate('ru', 'searchUnavailable')),
    )
  })
})
