import type { Chat } from '@messenger/shared'
import { useQuery } from '@tanstack/react-query'
import { keys } from '../../lib/query-keys'
import { trpc } from '../../lib/trpc'

/**
 * Every chat the list shows: the pinned ones and the most recent 100 others, and the most recent
 * 100 archived ones (the archive view filters them); live events keep them current.
 */
export const useChats = () =>
  useQuery({
    queryKey: keys.chats,
    queryFn: async (): Promise<Chat[]> => {
      const [main, archived] = await Promise.all([
        trpc.chats.list.query({ limit: 100 }),
        trpc.chats.list.query({ limit: 100, archived: true }),
      ])
      return [...main.items, ...archived.items]
    },
  })

/** One chat: from the list when it is there, else fetched (e.g. a link to an old chat). */
export const useChat = (chatId: string) => {
  const chats = useChats()
  const fromList = chats.data?.find((c) => c.id === chatId)
  const single = useQuery({
    queryKey: keys.chat(chatId),
    queryFn: () => trpc.chats.get.query({ chatId }),
    enabled: chats.isSuccess && !fromList,
  })
  return {
    chat: fromList ?? single.data,
    error: single.error,
    isLoading: !fromList && single.isLoading,
  }
}
