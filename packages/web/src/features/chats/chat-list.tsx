import type { Chat, User } from '@messenger/shared'
import { useEffect } from 'react'
import { formatShort } from '../../lib/format'
import { useI18n } from '../../lib/i18n'
import { chatPath, navigate } from '../../lib/router'
import { Avatar } from '../layout/avatar'
import { useChats } from './use-chats'

const preview = (chat: Chat, me: User, t: ReturnType<typeof useI18n>['t']) => {
  const m = chat.lastMessage
  if (!m) return ''
  const body = m.deleted ? t('deletedMessage') : (m.text ?? (m.images.length > 0 ? t('image') : ''))
  if (m.sender.id === me.id) return `${t('you')}: ${body}`
  return chat.isDirect ? body : `${m.sender.firstName}: ${body}`
}

/** "(3) Messenger" while messages wait unread, so a background tab shows them. */
const useUnreadTitle = (chats: Chat[] | undefined) => {
  const { t } = useI18n()
  const unread = chats?.reduce((sum, c) => sum + c.unreadCount, 0) ?? 0
  const app = t('appName')
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${app}` : app
  }, [unread, app])
}

export const ChatList = ({ me, activeId }: { me: User; activeId: string | null }) => {
  const { t, lang } = useI18n()
  const chats = useChats()
  useUnreadTitle(chats.data)

  if (chats.isPending) return <p className="muted pad">{t('loading')}</p>
  if (chats.isError) return <p className="form-error pad">{t('errNetwork')}</p>
  if (chats.data.length === 0) return <p className="muted pad">{t('noChats')}</p>

  return (
    <nav aria-label={t('chatList')}>
      <ul className="chat-list">
        {chats.data.map((chat) => {
          const time = chat.lastMessage?.createdAt ?? chat.updatedAt
          const active = chat.id === activeId
          return (
            <li key={chat.id}>
              <a
                href={chatPath(chat.id)}
                className={`chat-item${active ? ' active' : ''}`}
                aria-current={active ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault()
                  navigate(chatPath(chat.id))
                }}
              >
                <Avatar id={chat.id} name={chat.title} />
                <span className="chat-item-body">
                  <span className="chat-item-top">
                    <span className="chat-title">{chat.title}</span>
                    <time dateTime={time}>{formatShort(time, lang)}</time>
                  </span>
                  <span className="chat-item-bottom">
                    <span className="chat-preview">{preview(chat, me, t)}</span>
                    {chat.unreadCount > 0 ? (
                      <span className="badge">
                        <span aria-hidden="true">{chat.unreadCount}</span>
                        <span className="visually-hidden">
                          {t('unread', { count: chat.unreadCount })}
                        </span>
                      </span>
                    ) : null}
                  </span>
                </span>
              </a>
            </li>
          )
        })}
      </ul>
    </nav>
  )
}
