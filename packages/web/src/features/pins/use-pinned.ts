import type { Chat, Message, PinnedMessage } from '@messenger/shared'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { keys } from '../../lib/query-keys'
import { trpc } from '../../lib/trpc'

/** How many pinned messages the bar cycles through; older ones stay listed on the server. */
export const PINNED_SHOWN = 50

/** The open chat's pinned messages, latest pinned first (pin events refetch them). */
export const usePinned = (chatId: string) =>
  useQuery({
    queryKey: keys.pinned(chatId),
    queryFn: async (): Promise<PinnedMessage[]> =>
      (await trpc.messages.pinned.query({ chatId, limit: PINNED_SHOWN })).items,
  })

/** Who may pin: the owner of a group, either person in a personal chat (as the server checks). */
export const mayPin = (chat: Chat, myId: string) => chat.isDirect || chat.ownerId === myId

export const useTogglePin = (chatId: string) => {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ message, pin }: { message: Message; pin: boolean }) =>
      pin
        ? trpc.messages.pin.mutate({ messageId: message.id })
        : trpc.messages.unpin.mutate({ messageId: message.id }),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.pinned(chatId) }),
  })
}
