import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query'
import { keys } from '../../lib/query-keys'
import { trpc } from '../../lib/trpc'

export const SEARCH_PAGE_SIZE = 20

export interface SearchRequest {
  query: string
  chatId?: string
  limit: number
  cursor?: string
}
export type SearchPage = Awaited<ReturnType<typeof trpc.messages.search.query>>
/** One page of results; the signal is aborted when the answer is no longer wanted. */
export type SearchFn = (input: SearchRequest, signal: AbortSignal) => Promise<SearchPage>

export const searchOverApi: SearchFn = (input, signal) =>
  trpc.messages.search.query(input, { signal })

/**
 * Results of one query, a page at a time. Each query has its own cache entry, so an answer can
 * only ever show under the query it was asked for: a slow answer to an older query never
 * replaces a newer one. The request of a query typed over is aborted (its `signal` was passed
 * on, so TanStack Query cancels it once nothing watches it). Until the new answer arrives the
 * previous results stay on screen, marked as stale.
 */
export const useMessageSearch = (query: string, chatId: string | null, search: SearchFn) =>
  useInfiniteQuery({
    queryKey: keys.search(query, chatId),
    queryFn: ({ pageParam, signal }) =>
      search(
        {
          query,
          limit: SEARCH_PAGE_SIZE,
          ...(chatId !== null && { chatId }),
          ...(pageParam !== null && { cursor: pageParam }),
        },
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: query !== '',
    placeholderData: keepPreviousData,
    // A message sent a moment ago should be findable when the same words are searched again.
    staleTime: 0,
  })
