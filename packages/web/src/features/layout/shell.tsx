import type { User } from '@messenger/shared'
import { useState } from 'react'
import { useI18n } from '../../lib/i18n'
import { navigate, useRoute } from '../../lib/router'
import { ChatList } from '../chats/chat-list'
import { NewChatDialog } from '../chats/new-chat-dialog'
import { useLiveEvents } from '../events/use-live-events'
import { ChatView } from '../messages/chat-view'
import { OutboxProvider } from '../messages/outbox-context'
import { SearchPanel } from '../search/search-panel'
import { SettingsPage } from '../settings/settings-page'
import { GearIcon, PlusIcon, SearchIcon } from './icons'

/** Two panes on a desktop; on a phone one at a time (the list, or what was opened from it). */
export const Shell = ({ me }: { me: User }) => {
  const { t } = useI18n()
  const route = useRoute()
  const live = useLiveEvents(me.id)
  const [newChat, setNewChat] = useState(false)
  const activeId = route.name === 'chat' ? route.chatId : null

  return (
    <OutboxProvider myId={me.id}>
      <div className={`shell ${route.name === 'home' ? 'show-list' : 'show-main'}`}>
        {live === 'reconnecting' ? (
          <div className="banner" role="status">
            {t('reconnecting')}
          </div>
        ) : null}
        <aside className="sidebar">
          <header className="bar">
            <h1 className="brand">{t('chats')}</h1>
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
              onClick={() => navigate('/search')}
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
          <ChatList me={me} activeId={activeId} />
        </aside>
        <main className="main">
          {route.name === 'chat' ? (
            <ChatView key={route.chatId} me={me} chatId={route.chatId} focusId={route.messageId} />
          ) : route.name === 'search' ? (
            <SearchPanel />
          ) : route.name === 'settings' ? (
            <SettingsPage me={me} />
          ) : (
            <p className="empty muted">{t('selectChat')}</p>
          )}
        </main>
        {newChat ? <NewChatDialog me={me} onClose={() => setNewChat(false)} /> : null}
      </div>
    </OutboxProvider>
  )
}
