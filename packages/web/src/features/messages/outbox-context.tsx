import type { Message } from '@messenger/shared'
import { useQueryClient } from '@tanstack/react-query'
import { createContext, useContext, useState, type ReactNode } from 'react'
import { trpc } from '../../lib/trpc'
import { applyEvent } from '../events/apply'
import { openChat } from '../events/use-live-events'
import { Outbox } from './outbox'

const OutboxContext = createContext<Outbox | null>(null)

export const OutboxProvider = ({ myId, children }: { myId: string; children: ReactNode }) => {
  const qc = useQueryClient()
  const [outbox] = useState(
    () =>
      new Outbox({
        send: (input) => trpc.messages.send.mutate(input),
        onSent: (message: Message) =>
          applyEvent(qc, { type: 'message.created', message }, { myId, openChatId: openChat.id }),
      }),
  )
  return <OutboxContext value={outbox}>{children}</OutboxContext>
}

export const useOutbox = () => {
  const outbox = useContext(OutboxContext)
  if (!outbox) throw new Error('useOutbox outside OutboxProvider')
  return outbox
}
