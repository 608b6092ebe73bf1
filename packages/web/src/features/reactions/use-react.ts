import type { Message } from '@messenger/shared'
import { useQueryClient } from '@tanstack/react-query'
import { useCallback } from 'react'
import { keys } from '../../lib/query-keys'
import { trpc } from '../../lib/trpc'
import type { MessagePages } from '../events/merge'
import { applyReaction, optimisticReaction, setReactions } from './merge-reactions'

/**
 * Sets or takes back the caller's reaction: shown at once, then the server's answer (the counts
 * as they are after it) replaces it; a refusal puts the old reactions back.
 */
export const useReact = (myId: string, chatId: string, onError: (err: unknown) => void) => {
  const qc = useQueryClient()
  return useCallback(
    (message: Message, emoji: string, active: boolean) => {
      const key = keys.messages(chatId)
      const before = message.reactions ?? []
      qc.setQueryData<MessagePages>(
        key,
        (data) =>
          data && applyReaction(data, optimisticReaction(message, emoji, active, myId), myId),
      )
      trpc.messages.react.mutate({ messageId: message.id, emoji, active }).then(
        (r) =>
          qc.setQueryData<MessagePages>(
            key,
            (data) => data && setReactions(data, r.messageId, r.reactions),
          ),
        (err: unknown) => {
          qc.setQueryData<MessagePages>(
            key,
            (data) => data && setReactions(data, message.id, before),
          )
          onError(err)
        },
      )
    },
    [qc, myId, chatId, onError],
  )
}
