import type { Chat } from '@messenger/shared'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useI18n } from '../../lib/i18n'
import { showNotice } from '../../lib/notice'
import { keys } from '../../lib/query-keys'
import { trpc, errorCode } from '../../lib/trpc'
import { upsertChat } from '../events/merge'
import { MoreIcon } from '../layout/icons'

type Change = { muted: boolean } | { archived: boolean } | { pinned: boolean }

/** Pin, mute and archive: the person's own view of a chat, kept beside its row in the list. */
export const ChatItemMenu = ({ chat }: { chat: Chat }) => {
  const { t } = useI18n()
  const qc = useQueryClient()
  const [open, setOpen] = useState(false)
  const change = useMutation({
    mutationFn: (c: Change) => trpc.chats.setPreferences.mutate({ chatId: chat.id, ...c }),
    onSuccess: (next) => {
      qc.setQueryData<Chat[]>(keys.chats, (chats) => chats && upsertChat(chats, next))
    },
    onError: (e) => {
      showNotice(
        errorCode(e) === 'BAD_REQUEST'
          ? { key: 'errPinLimit' }
          : { key: 'errGeneric', vars: { message: e.message } },
      )
    },
  })
  const item = (label: string, c: Change) => (
    <button
      type="button"
      role="menuitem"
      disabled={change.isPending}
      onClick={() => {
        setOpen(false)
        change.mutate(c)
      }}
    >
      {label}
    </button>
  )
  return (
    <div
      className="chat-item-menu"
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget)) setOpen(false)
      }}
      onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
    >
      <button
        type="button"
        className="icon"
        aria-label={t('chatActions', { title: chat.title })}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <MoreIcon />
      </button>
      {open ? (
        <div className="menu down" role="menu">
          {item(t(chat.pinned ? 'unpin' : 'pin'), { pinned: !chat.pinned })}
          {item(t(chat.muted ? 'unmute' : 'mute'), { muted: !chat.muted })}
          {item(t(chat.archived ? 'unarchive' : 'archiveChat'), { archived: !chat.archived })}
        </div>
      ) : null}
    </div>
  )
}
