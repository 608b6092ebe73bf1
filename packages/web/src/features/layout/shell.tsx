import type { User } from '@messenger/shared'
import { useQuery } from '@tanstack/react-query'
import { lazy, Suspense, useState } from 'react'
import { useI18n } from '../../lib/i18n'
import { showNotice, useNotice } from '../../lib/notice'
import { keys } from '../../lib/query-keys'
import { navigate, useRoute } from '../../lib/router'
import { trpc } from '../../lib/trpc'
import { ChatList } from '../chats/chat-list'
import { useLiveEvents } from '../events/use-live-events'
import { NotificationOffer } from '../notifications/notification-offer'
import { useNotifications } from '../notifications/use-notifications'
import { OutboxProvider } from '../messages/outbox-context'
import { CloseIcon, GearIcon, PlusIcon, SearchIcon } from './icons'

// Not needed for the first screen: loaded when first opened.
// The open chat is a chunk of its own, fetched as soon as this module runs (in parallel with the
// chat list), so the entry stays small without making a chat's address wait for it.
const chatView = import('../messages/chat-view')
const ChatView = lazy(() => chatView.then((m) => ({ default: m.ChatView })))
const NewChatDialog = lazy(() =>
  import('../chats/new-chat-dialog').then((m) => ({ default: m.NewChatDialog })),
)
const SearchPanel = lazy(() =>
  import('../search/search-panel').then((m) => ({ default: m.SearchPanel })),
)
const ProfilePage = lazy(() =>
  import('../profile/profile-page').then((m) => ({ default: m.ProfilePage })),
)
const SettingsPage = lazy(() =>
  import('../settings/settings-page').then((m) => ({ default: m.SettingsPage })),
)

/** Two panes on a desktop; on a phone one at a time (the list, or what was opened from it). */
export const Shell = ({ me }: { me: User }) => {
  const { t } = useI18n()
  const route = useRoute()
  // The resume point comes first: whatever is committed after it reaches this tab by replay, even
  // if the network drops before the first live event.
  const head = useQuery({
    queryKey: keys.head,
    queryFn: () => trpc.messages.head.query(),
    staleTime: Infinity,
    retry: true,
  })
  const live = useLiveEvents(me.id, head.data ? (head.data.lastEventId ?? '0') : undefined)
  useNotifications(me)
  const notice = useNotice()
  const [newChat, setNewChat] = useState(false)
  // Bumped by the search button: a new search, even from one narrowed to a chat.
  const [searchRun, setSearchRun] = useState(0)
  const activeId = route.name === 'chat' ? route.chatId : null

  if (!head.data) {
    return (
      <main className="splash" aria-busy="true">
        <h1 className="visually-hidden">{t('appName')}</h1>
        <p>{head.isError ? t('errNetwork') : t('loading')}</p>
      </main>
    )
  }

  return (
    <OutboxProvider myId={me.id}>
      {/* One main landmark and one h1 on every screen, phone included (where one pane shows). */}
      <main className={`shell ${route.name === 'home' ? 'show-list' : 'show-main'}`}>
        <h1 className="visually-hidden">{t('appName')}</h1>
        {live === 'reconnecting' ? (
          <div className="banner" role="status">
            {t('reconnecting')}
          </div>
        ) : null}
        {notice ? (
          <div className="banner notice" role="status">
            <span>{t(notice.key, notice.vars)}</span>
            <button
              type="button"
              className="icon small"
              aria-label={t('dismiss')}
              onClick={() => showNotice(null)}
            >
              <CloseIcon />
            </button>
          </div>
        ) : null}
        <div className="sidebar">
          <header className="bar">
            <h2 className="brand">{t('chats')}</h2>
            <button
              type="button"
              className="icon"
              aria-label={t('newChat')}
              title={t('newChat')}
              onClick={() => setNewChat(true)}
            >
              <PlusIcon />
            </button>
            <button
              type="button"
              className="icon"
              aria-label={t('searchMessages')}
              title={t('searchMessages')}
              aria-pressed={route.name === 'search'}
              onClick={() => {
                setSearchRun((n) => n + 1)
                navigate('/search')
              }}
            >
              <SearchIcon />
            </button>
            <button
              type="button"
              className="icon"
              aria-label={t('settings')}
              title={t('settings')}
              aria-pressed={route.name === 'settings'}
              onClick={() => navigate('/settings')}
            >
              <GearIcon />
            </button>
          </header>
          <NotificationOffer />
          <ChatList me={me} activeId={activeId} />
        </div>
        <div className="main">
          <Suspense fallback={<p className="empty muted">{t('loading')}</p>}>
            {route.name === 'chat' ? (
              <ChatView
                key={route.chatId}
                me={me}
                chatId={route.chatId}
                focusId={route.messageId}
              />
            ) : route.name === 'search' ? (
              <SearchPanel key={searchRun} />
            ) : route.name === 'settings' ? (
              <SettingsPage me={me} />
            ) : route.name === 'profile' ? (
              <ProfilePage key={route.userId} me={me} userId={route.userId} />
            ) : (
              <p className="empty muted">{t('selectChat')}</p>
            )}
          </Suspense>
        </div>
        <Suspense fallback={null}>
          {newChat ? <NewChatDialog me={me} onClose={() => setNewChat(false)} /> : null}
        </Suspense>
      </main>
    </OutboxProvider>
  )
}
