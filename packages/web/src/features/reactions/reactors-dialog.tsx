import { fullName, type Message } from '@messenger/shared'
import { useInfiniteQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { errorText } from '../../lib/errors'
import { useI18n } from '../../lib/i18n'
import { trpc } from '../../lib/trpc'
import { Avatar } from '../layout/avatar'
import { Modal } from '../layout/modal'
import './reactions.css'

/** Who reacted to a message, one emoji at a time, a page of 50 at a time. */
export const ReactorsDialog = ({ message, onClose }: { message: Message; onClose: () => void }) => {
  const { t } = useI18n()
  const list = message.reactions ?? []
  const [emoji, setEmoji] = useState(list[0]?.emoji ?? '')
  const q = useInfiniteQuery({
    queryKey: ['reactors', message.id, emoji],
    queryFn: ({ pageParam }) =>
      trpc.messages.reactors.query({
        messageId: message.id,
        emoji,
        ...(pageParam === null ? {} : { cursor: pageParam }),
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: emoji !== '',
  })
  const people = q.data?.pages.flatMap((p) => p.items) ?? []
  return (
    <Modal title={t('whoReacted')} onClose={onClose} closeOnBackdrop>
      <div className="reactor-tabs" role="group" aria-label={t('reactionsOf')}>
        {list.map((r) => (
          <button
            key={r.emoji}
            type="button"
            aria-pressed={r.emoji === emoji}
            aria-label={t('reactionChip', { emoji: r.emoji, count: r.count })}
            onClick={() => setEmoji(r.emoji)}
          >
            {r.emoji} {r.count}
          </button>
        ))}
      </div>
      {q.isPending ? <p className="muted">{t('loading')}</p> : null}
      {q.error ? (
        <p className="form-error" role="alert">
          {errorText(t, q.error)}
        </p>
      ) : null}
      <ul className="reactor-list" aria-label={emoji}>
        {people.map(({ user }) => (
          <li key={user.id}>
            <Avatar id={user.id} name={fullName(user)} size={32} avatar={user.avatar} />
            <span>{fullName(user)}</span>
          </li>
        ))}
      </ul>
      {q.hasNextPage ? (
        <button
          type="button"
          onClick={() => void q.fetchNextPage()}
          disabled={q.isFetchingNextPage}
        >
          {t('showMore')}
        </button>
      ) : null}
    </Modal>
  )
}
