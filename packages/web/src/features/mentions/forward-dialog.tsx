import type { Message } from '@messenger/shared'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useId, useMemo, useState } from 'react'
import { errorText } from '../../lib/errors'
import { useI18n } from '../../lib/i18n'
import { trpc } from '../../lib/trpc'
import { useChats } from '../chats/use-chats'
import { applyEvent } from '../events/apply'
import { Avatar } from '../layout/avatar'
import { Modal } from '../layout/modal'
import { chatTitle } from '../profile/names'

/**
 * Picks a chat of the viewer's (filtered by title) and forwards the message there. One clientId
 * per dialog, so a second click or a retry after a lost answer stores it once.
 */
export const ForwardDialog = ({
  message,
  myId,
  onClose,
  onDone,
}: {
  message: Message
  myId: string
  onClose: () => void
  onDone: (title: string) => void
}) => {
  const { t } = useI18n()
  const qc = useQueryClient()
  const id = useId()
  const chats = useChats()
  const [query, setQuery] = useState('')
  const [clientId] = useState(() => crypto.randomUUID())
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase()
    return (chats.data ?? [])
      .map((c) => ({ id: c.id, title: chatTitle(t, c, myId) }))
      .filter((c) => q === '' || c.title.toLowerCase().includes(q))
  }, [chats.data, query, t, myId])
  const forward = useMutation({
    mutationFn: (chatId: string) =>
      trpc.messages.forward.mutate({ messageId: message.id, chatId, clientId }),
    onSuccess: (sent) => {
      applyEvent(qc, { type: 'message.created', message: sent }, { myId, openChatId: null })
      onDone(shown.find((c) => c.id === sent.chatId)?.title ?? '')
    },
  })

  return (
    <Modal title={t('forwardTo')} onClose={onClose} className="forward-dialog">
      <label htmlFor={id}>{t('forwardFilter')}</label>
      <input
        id={id}
        type="search"
        value={query}
        data-autofocus
        onChange={(e) => setQuery(e.target.value)}
      />
      {forward.error ? (
        <p className="form-error" role="alert">
          {errorText(t, forward.error)}
        </p>
      ) : null}
      {chats.isSuccess && shown.length === 0 ? (
        <p className="muted">{t('forwardNoChats')}</p>
      ) : null}
      <ul className="people">
        {shown.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              className="person"
              disabled={forward.isPending}
              onClick={() => forward.mutate(c.id)}
            >
              <Avatar id={c.id} name={c.title} size={32} />
              <span>{c.title}</span>
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  )
}
