import type { Chat, Message } from '@messenger/shared'
import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { trpc } from '../../lib/trpc'

/**
 * "Seen by N" for one's own latest messages (up to 100) in a group, read in one call; a
 * `chat.seen` event reads them again (features/events/apply.ts).
 */
export const useSeenCounts = (chat: Chat | undefined, messages: Message[], myId: string) => {
  const ids = useMemo(
    () =>
      messages
        .filter((m) => m.sender.id === myId && !m.deleted)
        .slice(-100)
        .map((m) => m.id),
    [messages, myId],
  )
  const group = chat !== undefined && !chat.isDirect
  const q = useQuery({
    queryKey: ['receipts', chat?.id ?? '', ids.join(',')],
    queryFn: () => trpc.chats.receipts.query({ chatId: chat!.id, messageIds: ids }),
    enabled: group && ids.length > 0,
    staleTime: 30_000,
  })
  return useMemo(() => new Map((q.data?.items ?? []).map((i) => [i.messageId, i.seenBy])), [q.data])
}
