import { fullName, type Message } from '@messenger/shared'
import { useInfiniteQuery } from '@tanstack/react-query'
import { errorText } from '../../lib/errors'
import { useI18n } from '../../lib/i18n'
import { trpc } from '../../lib/trpc'
import { Avatar } from '../layout/avatar'
import { Modal } from '../layout/modal'
import './receipts.css'

/** Who has seen one's message in a group, 50 at a time. */
export const SeenByDialog = ({ message, onClose }: { message: Message; onClose: () => void }) => {
  const { t } = useI18n()
  const q = useInfiniteQuery({
    queryKey: ['seenBy', message.id],
    queryFn: ({ pageParam }) =>
      trpc.chats.seenBy.query({
        messageId: message.id,
        ...(pageParam === null ? {} : { cursor: pageParam }),
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  })
  const people = q.data?.pages.flatMap((p) => p.items) ?? []
  return (
    <Modal title={t('seenByList')} onClose={onClose} closeOnBackdrop>
      {q.isPending ? <p className="muted">{t('loading')}</p> : null}
      {q.error ? (
        <p className="form-error" role="alert">
          {errorText(t, q.error)}
        </p>
      ) : null}
      {q.isSuccess && people.length === 0 ? <p className="muted">{t('nobodySeen')}</p> : null}
      <ul className="seen-list">
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
