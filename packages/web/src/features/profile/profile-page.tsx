import type { User } from '@messenger/shared'
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query'
import { errorText } from '../../lib/errors'
import { formatDateTime } from '../../lib/format'
import { useI18n } from '../../lib/i18n'
import { chatPath, navigate } from '../../lib/router'
import { trpc } from '../../lib/trpc'
import { Avatar, chatAvatar } from '../layout/avatar'
import { BackButton } from '../layout/back-button'
import { chatTitle, personName } from './names'
import './profile.css'

/**
 * Another person: their name and login, last seen (when the presence rules show it), a way to
 * write to them, and the chats in common, 20 at a time.
 */
export const ProfilePage = ({ me, userId }: { me: User; userId: string }) => {
  const { t, lang } = useI18n()
  const profile = useQuery({
    queryKey: ['profile', userId],
    queryFn: () => trpc.users.profile.query({ userId }),
  })
  const shared = useInfiniteQuery({
    queryKey: ['sharedChats', userId],
    queryFn: ({ pageParam }) =>
      trpc.users.sharedChats.query({
        userId,
        ...(pageParam === null ? {} : { cursor: pageParam }),
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  })
  const write = useMutation({
    mutationFn: () => trpc.chats.createDirect.mutate({ userId }),
    onSuccess: (chat) => navigate(chatPath(chat.id)),
  })
  const user = profile.data?.user
  const name = user ? personName(t, user) : t('profileTitle')
  const chats = shared.data?.pages.flatMap((p) => p.items) ?? []
  const error = profile.error ?? write.error ?? shared.error

  return (
    <section className="page" aria-labelledby="profile-page-h">
      <header className="bar">
        <BackButton />
        <h2 id="profile-page-h">{name}</h2>
      </header>
      <div className="page-body">
        {profile.isPending ? <p className="muted">{t('loading')}</p> : null}
        {user ? (
          <div className="profile-card">
            <Avatar id={user.id} name={name} size={96} avatar={user.avatar} />
            <div className="stack">
              <p className="profile-name">{name}</p>
              {user.deleted ? null : <p className="muted">@{user.login}</p>}
              {profile.data?.lastSeenAt ? (
                <p className="muted">
                  {t('lastSeen', { time: formatDateTime(profile.data.lastSeenAt, lang) })}
                </p>
              ) : null}
              {user.deleted || user.id === me.id ? null : (
                <button
                  type="button"
                  className="primary"
                  onClick={() => write.mutate()}
                  disabled={write.isPending}
                >
                  {t('sendMessage')}
                </button>
              )}
            </div>
          </div>
        ) : null}
        {error ? (
          <p className="form-error" role="alert">
            {errorText(t, error)}
          </p>
        ) : null}
        {user && user.id !== me.id ? (
          <section aria-labelledby="shared-h">
            <h3 id="shared-h">{t('sharedChats')}</h3>
            {shared.isSuccess && chats.length === 0 ? (
              <p className="muted">{t('noSharedChats')}</p>
            ) : null}
            <ul className="shared-chats">
              {chats.map((chat) => (
                <li key={chat.id}>
                  <a
                    href={chatPath(chat.id)}
                    className="person"
                    onClick={(e) => {
                      e.preventDefault()
                      navigate(chatPath(chat.id))
                    }}
                  >
                    <Avatar
                      id={chat.id}
                      name={chatTitle(t, chat, me.id)}
                      size={32}
                      avatar={chatAvatar(chat, me.id)}
                    />
                    <span className="grow">{chatTitle(t, chat, me.id)}</span>
                    {chat.isDirect ? null : (
                      <span className="muted">
                        {t('membersCount', { count: chat.members.length })}
                      </span>
                    )}
                  </a>
                </li>
              ))}
            </ul>
            {shared.hasNextPage ? (
              <button
                type="button"
                onClick={() => void shared.fetchNextPage()}
                disabled={shared.isFetchingNextPage}
              >
                {t('showMore')}
              </button>
            ) : null}
          </section>
        ) : null}
      </div>
    </section>
  )
}
