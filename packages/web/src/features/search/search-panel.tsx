import { useState } from 'react'
import { useChats } from '../chats/use-chats'
import { SearchView } from './search-view'
import { searchOverApi } from './use-message-search'

/** The search screen, started from the address: `/search?q=…` and `&chat=…` to search one chat. */
export const SearchPanel = () => {
  const chats = useChats()
  const [start] = useState(() => new URLSearchParams(location.search))
  return (
    <SearchView
      chats={chats.data ?? []}
      initialQuery={start.get('q') ?? ''}
      initialChatId={start.get('chat')}
      search={searchOverApi}
    />
  )
}
