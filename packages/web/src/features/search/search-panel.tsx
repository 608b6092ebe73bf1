import { useQuery } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import { keys } from '../../lib/query-keys'
import { trpc } from '../../lib/trpc'
import { useChats } from '../chats/use-chats'
import { SearchView } from './search-view'
import { searchOverApi } from './use-message-search'

/** The search screen, started from the address: `/search?q=…` and `&chat=…` to search one chat. */
export const SearchPanel = () => {
  const [start] = useState(() => new URLSearchParams(location.search))
  const chatId = start.get('chat')
  const chats = useChats()
  const listed = chats.data
  // A chat opened by a link may be older than the list's pages: its title still names the search.
  const missing = chatId !== null && listed !== undefined && !listed.some((c) => c.id === chatId)
  const scoped = useQuery({
    queryKey: keys.chat(chatId ?? ''),
    queryFn: () => trpc.chats.get.query({ chatId: chatId ?? '' }),
    enabled: missing,
  })
  const all = useMemo(
    () => (missing && scoped.data ? [...listed, scoped.data] : (listed ?? [])),
    [missing, scoped.data, listed],
  )
  return (
    <SearchView
      chats={all}
      initialQuery={start.get('q') ?? ''}
      initialChatId={chatId}
      search={searchOverApi}
    />
  )
}
