import type { Chat, User } from '@messenger/shared'
import { useEffect, useState } from 'react'
import { formatShort } from '../../lib/format'
import { useI18n } from '../../lib/i18n'
import { chatPath, navigate } from '../../lib/router'
import { Avatar, chatAvatar } from '../layout/avatar'
import { setFaviconBadge } from '../notifications/favicon'
import { chatTitle } from '../profile/names'
import { BackIcon, MutedIcon, PinIcon } from '../layout/icons'
import { ChatItemMenu } from './chat-item-menu'
import { useChats } from './use-chats'
import { ChatPreview } from './chat-preview'
import { systemText } from '../messages/system-text'
import { partnerOf, usePresence, usePresenceSync } from '../presence/presence'

const preview = (chat: Chat, me: User, i18n: ReturnType<typeof useI18n>) => {
  const { t, lang } = i18n
  const m = chat.lastMessage
  if (!m) return ''
  if (m.system) return systemText(t, lang, m, me.id)
  const body = m.deleted ? t('deletedMessage') : (m.text ?? (m.images.length > 0 ? t('image') : ''))
  if (m.sender.id === me.id) return `${t('you')}: ${body}`
  return chat.isDirect ? body : `${m.sender.firstName}: ${body}`
}

/** What a chat adds to the tab's count: its unread, or only its unread mentions when muted. */
const counted = (c: Chat) => (c.muted ? (c.unreadMentions ?? 0) : c.unreadCount)

/** A chat's avatar; a personal chat's shows a dot while the other person is online. */
const ChatAvatar = ({
  chat,
  name,
  avatar,
  myId,
}: {
  chat: Chat
  name: string
  avatar: Parameters<typeof Avatar>[0]['avatar']
  myId: string
}) => (
  <Avatar
    id={chat.id}
    name={name}
    avatar={avatar}
    online={usePresence(partnerOf(chat, myId))?.online}
  />
)

/** The dot said in words, after the chat's title: "Ann Lee, online". */
const OnlineNote = ({ chat, myId }: { chat: Chat; myId: string }) => {
  const { t } = useI18n()
  return usePresence(partnerOf(chat, myId))?.online ? (
    <span className="visually-hidden">, {t('online')}</span>
  ) : null
}

/**
 * "(3) Messenger" and a badge on the tab's icon while messages wait unread, so a background tab
 * shows them; muted chats count only the messages that mention the viewer.
 */
const useUnreadTitle = (chats: Chat[] | undefined) => {
  const { t } = useI18n()
  const unread = chats?.reduce((sum, c) => sum + counted(c), 0) ?? 0
  const app = t('appName')
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${app}` : app
  }, [unread, app])
  useEffect(() => setFaviconBadge(unread), [unread])
  useEffect(() => () => setFaviconBadge(0), [])
}

export const ChatList = ({ me, activeId }: { me: User; activeId: string | null }) => {
  const i18n = useI18n()
  const { t, lang } = i18n
  const chats = useChats()
  const [inArchive, setInArchive] = useState(false)
  useUnreadTitle(chats.data)
  usePresenceSync(chats.data, me.id)

  if (chats.isPending) return <p className="muted pad">{t('loading')}</p>
  if (chats.isError) return <p className="form-error pad">{t('errNetwork')}</p>
  const archived = chats.data.filter((c) => c.archived)
  const shown = chats.data.filter((c) => c.archived === (inArchive && archived.length > 0))
  const archivedUnread = archived.reduce((sum, c) => sum + counted(c), 0)

  return (
    <nav aria-label={t(inArchive ? 'archiveList' : 'chatList')}>
      {inArchive && archived.length > 0 ? (
        <button type="button" className="archive-row" onClick={() => setInArchive(false)}>
          <BackIcon />
          <span className="chat-title">{t('archive')}</span>
        </button>
      ) : archived.length > 0 ? (
        <button type="button" className="archive-row" onClick={() => setInArchive(true)}>
          <span className="chat-title">{t('archive')}</span>
          <span className="muted">{t('chatCount', { count: archived.length })}</span>
          {archivedUnread > 0 ? (
            <span className="badge">
              <span aria-hidden="true">{archivedUnread}</span>
              <span className="visually-hidden">{t('unread', { count: archivedUnread })}</span>
            </span>
          ) : null}
        </button>
      ) : null}
      {shown.length === 0 ? <p className="muted pad">{t('noChats')}</p> : null}
      <ul className="chat-list">
        {shown.map((chat) => {
          const time = chat.lastMessage?.createdAt ?? chat.updatedAt
          const active = chat.id === activeId
          return (
            <li key={chat.id} className="chat-row">
              <a
                href={chatPath(chat.id)}
                className={`chat-item${active ? ' active' : ''}`}
                aria-current={active ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault()
                  navigate(chatPath(chat.id))
                }}
              >
                <ChatAvatar
                  chat={chat}
                  name={chatTitle(t, chat, me.id)}
                  avatar={chatAvatar(chat, me.id)}
                  myId={me.id}
                />
                <span className="chat-item-body">
                  <span className="chat-item-top">
                    <span className="chat-title">{chatTitle(t, chat, me.id)}</span>
                    <OnlineNote chat={chat} myId={me.id} />
                    {chat.pinned ? (
                      <span className="chat-flag" title={t('pinned')}>
                        <PinIcon />
                        <span className="visually-hidden">{t('pinned')}</span>
                      </span>
                    ) : null}
                    {chat.muted ? (
                      <span className="chat-flag" title={t('muted')}>
                        <MutedIcon />
                        <span className="visually-hidden">{t('muted')}</span>
                      </span>
                    ) : null}
                    <time dateTime={time}>{formatShort(time, lang)}</time>
                  </span>
                  <span className="chat-item-bottom">
                    <ChatPreview chat={chat} text={preview(chat, me, i18n)} />
                    {(chat.unreadMentions ?? 0) > 0 ? (
                      <span className="badge mention-badge">
                        <span aria-hidden="true">@</span>
                        <span className="visually-hidden">
                          {t('mentionUnread', { count: chat.unreadMentions ?? 0 })}
                        </span>
                      </span>
                    ) : null}
                    {chat.unreadCount > 0 ? (
                      <span className={`badge${chat.muted ? ' quiet' : ''}`}>
                        <span aria-hidden="true">{chat.unreadCount}</span>
                        <span className="visually-hidden">
                          {t('unread', { count: chat.unreadCount })}
                        </span>
                      </span>
                    ) : null}
                  </span>
                </span>
              </a>
              <ChatItemMenu chat={chat} />
            </li>
          )
        })}
      </ul>
    </nav>
  )
}
