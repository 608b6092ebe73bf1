import { useInfiniteQuery } from '@tanstack/react-query'
import { keys } from '../../lib/query-keys'
import { trpc } from '../../lib/trpc'

export const PAGE_SIZE = 50

/** A chat's history, newest page first; `fetchNextPage` loads older messages. */
export const useMessages = (chatId: string) =>
  useInfiniteQuery({
    queryKey: keys.messages(chatId),
    queryFn: ({ pageParam }) =>
      trpc.messages.list.query({
        chatId,
        limit: PAGE_SIZE,
        ...(pageParam === null ? {} : { before: pageParam }),
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // Live events keep a loaded history current; refetching every page would reset scrolling.
    staleTime: Infinity,
  })
