import type { Chat, Image, Message, User } from '@messenger/shared'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import {
  lazy,
  Suspense,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type DragEvent,
} from 'react'
import { useI18n } from '../../lib/i18n'
import { keys } from '../../lib/query-keys'
import { errorText } from '../../lib/errors'
import { chatPath, navigate, searchPath } from '../../lib/router'
import { errorCode, trpc } from '../../lib/trpc'
import { useChat } from '../chats/use-chats'
import { applyEvent } from '../events/apply'
import { flattenPages } from '../events/merge'
import { openChat } from '../events/use-live-events'
import { Avatar, chatAvatar } from '../layout/avatar'
import { chatTitle } from '../profile/names'
import { BackButton } from '../layout/back-button'
import { InfoIcon, SearchIcon } from '../layout/icons'
import { PinnedBar } from '../pins/pinned-bar'
import { mayPin, usePinned, useTogglePin } from '../pins/use-pinned'
import type { Mentionable } from '../mentions/mention-text'
import { Composer, DRAFT_PREFIX } from './composer'
import { MessageList } from './message-list'
import { visiblePending } from './outbox'
import { useOutbox } from './outbox-context'
import { useAttachments } from './use-attachments'
import { useMessages } from './use-messages'
import { useReact } from '../reactions/use-react'
import { useAnnounceTyping, useTypingText } from '../typing/typing'
import { useSeenCounts } from '../receipts/use-seen-counts'
import { partnerOf, usePresence, usePresenceText } from '../presence/presence'

// Opened on demand: not part of the first screen's download.
const Lightbox = lazy(() => import('./lightbox').then((m) => ({ default: m.Lightbox })))
const GroupSettingsDialog = lazy(() =>
  import('../chats/group-settings-dialog').then((m) => ({ default: m.GroupSettingsDialog })),
)
const ReactorsDialog = lazy(() =>
  import('../reactions/reactors-dialog').then((m) => ({ default: m.ReactorsDialog })),
)
const SeenByDialog = lazy(() =>
  import('../receipts/seen-by-dialog').then((m) => ({ default: m.SeenByDialog })),
)
const ForwardDialog = lazy(() =>
  import('../mentions/forward-dialog').then((m) => ({ default: m.ForwardDialog })),
)
const PersonalChatDialog = lazy(() =>
  import('../chats/personal-chat-dialog').then((m) => ({ default: m.PersonalChatDialog })),
)

/** Marks the newest message read once it is on screen and the tab is visible. */
const useMarkRead = (
  chat: Chat | undefined,
  messages: Message[],
  myId: string,
  atBottom: boolean,
) => {
  const qc = useQueryClient()
  const marked = useRef<string | null>(null)
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible')
  useEffect(() => {
    const on = () => setVisible(document.visibilityState === 'visible')
    document.addEventListener('visibilitychange', on)
    // The tab may have come forward between the first render and now (a notification's click
    // opens the chat in a hidden tab): read it again, or the chat would stay unread.
    on()
    return () => document.removeEventListener('visibilitychange', on)
  }, [])
  const newest = messages.at(-1)
  useEffect(() => {
    if (!chat || !newest || !atBottom || !visible) return
    if (marked.current === newest.id) return
    if (chat.unreadCount === 0 && newest.sender.id === myId) return
    marked.current = newest.id
    qc.setQueryData<Chat[]>(keys.chats, (chats) =>
      chats?.map((c) => (c.id === chat.id ? { ...c, unreadCount: 0, unreadMentions: 0 } : c)),
    )
    trpc.chats.markRead.mutate({ chatId: chat.id, messageId: newest.id }).catch(() => {
      marked.current = null
    })
  }, [chat, newest, atBottom, visible, myId, qc])
}

export const ChatView = ({
  me,
  chatId,
  focusId,
}: {
  me: User
  chatId: string
  focusId: string | null
}) => {
  const { t } = useI18n()
  const qc = useQueryClient()
  const { chat, error } = useChat(chatId)
  const history = useMessages(chatId)
  const outbox = useOutbox()
  const allPending = useSyncExternalStore(outbox.subscribe, outbox.getSnapshot)
  const attachments = useAttachments()
  const [lightbox, setLightbox] = useState<{ image: Image; message: Message } | null>(null)
  const [editing, setEditing] = useState<Message | null>(null)
  const [replyingTo, setReplyingTo] = useState<Message | null>(null)
  const [settings, setSettings] = useState(false)
  const [dragging, setDragging] = useState(false)
  const [atBottom, setAtBottom] = useState(true)
  const [actionError, setActionError] = useState<string | null>(null)
  const [reactorsOf, setReactorsOf] = useState<Message | null>(null)
  const [seenByOf, setSeenByOf] = useState<Message | null>(null)
  const [forwardOf, setForwardOf] = useState<Message | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const typingText = useTypingText(chat, chatId)
  const partner = partnerOf(chat, me.id)
  const partnerOnline = usePresence(partner)?.online === true
  const presenceText = usePresenceText(partner)
  const typing = useAnnounceTyping(chatId)
  const react = useReact(me.id, chatId, (err) => setActionError(errorText(t, err)))

  const messages = useMemo(() => flattenPages(history.data), [history.data])
  const mentionable = useMemo<Mentionable | undefined>(
    () =>
      chat
        ? {
            logins: new Set(chat.members.map((m) => m.login.toLowerCase())),
            mine: me.login.toLowerCase(),
          }
        : undefined,
    [chat, me.login],
  )
  const others = useMemo(() => chat?.members.filter((m) => m.id !== me.id), [chat, me.id])
  // A personal chat with a deleted account takes no new messages (the server refuses them too).
  const closed = chat?.isDirect === true && others?.some((m) => m.deleted) === true
  const seenCounts = useSeenCounts(chat, messages, me.id)
  const pinned = usePinned(chatId)
  const togglePin = useTogglePin(chatId)
  const canPin = chat ? mayPin(chat, me.id) : false
  const pinnedIds = useMemo(
    () => (canPin ? new Set((pinned.data ?? []).map((p) => p.message.id)) : undefined),
    [canPin, pinned.data],
  )
  const pending = useMemo(
    () => visiblePending(allPending, chatId, messages),
    [allPending, chatId, messages],
  )
  // Where the unread part started when the chat opened: the divider stays there while it is open.
  const [unreadFromId, setUnreadFromId] = useState<string | null | undefined>(undefined)
  useEffect(() => {
    if (unreadFromId !== undefined || !chat || history.isPending) return
    // System messages never count as unread (the server leaves them out of unreadCount too).
    const fromOthers = messages.filter((m) => m.sender.id !== me.id && !m.system)
    const n = chat.unreadCount
    setUnreadFromId(n > 0 ? (fromOthers[Math.max(0, fromOthers.length - n)]?.id ?? null) : null)
  }, [unreadFromId, chat, history.isPending, messages, me.id])
  useMarkRead(chat, messages, me.id, atBottom)

  useEffect(() => {
    openChat.id = chatId
    return () => {
      openChat.id = null
    }
  }, [chatId])

  const applyMessage = (message: Message) =>
    applyEvent(qc, { type: 'message.updated', message }, { myId: me.id, openChatId: chatId })

  const edit = useMutation({
    mutationFn: ({ message, text }: { message: Message; text: string }) =>
      trpc.messages.edit.mutate({ messageId: message.id, text }),
    onSuccess: (message) => {
      applyMessage(message)
      setEditing(null)
    },
    onError: (err) => setActionError(errorText(t, err)),
  })
  const remove = useMutation({
    mutationFn: (message: Message) => trpc.messages.delete.mutate({ messageId: message.id }),
    onSuccess: (_, message) =>
      applyMessage({ ...message, text: null, images: [], files: [], deleted: true }),
    onError: (err) => setActionError(errorText(t, err)),
  })

  // Delete for me: gone from this history at once; the chat's preview and counts come with the
  // chat.updated event that follows.
  const hide = useMutation({
    mutationFn: (message: Message) => trpc.messages.deleteForMe.mutate({ messageId: message.id }),
    onSuccess: (_, message) =>
      applyEvent(
        qc,
        { type: 'message.hidden', chatId, messageId: message.id },
        { myId: me.id, openChatId: chatId },
      ),
    onError: (err) => setActionError(errorText(t, err)),
  })

  const send = (text: string) => {
    const { images, files } = attachments.take()
    typing.sent()
    setActionError(null)
    const replyTo = replyingTo
    setReplyingTo(null)
    void outbox.send(me, chatId, {
      ...(text ? { text } : {}),
      images,
      files,
      ...(replyTo && {
        replyTo: {
          id: replyTo.id,
          sender: replyTo.sender,
          text: replyTo.text,
          image: replyTo.images[0] ?? null,
          deleted: false,
        },
      }),
    })
  }

  const onDrop = (e: DragEvent) => {
    e.preventDefault()
    setDragging(false)
    if (e.dataTransfer.files.length > 0) attachments.add(e.dataTransfer.files)
  }

  if (error) {
    const code = errorCode(error)
    return (
      <section className="chat-view" aria-labelledby="chat-missing-h">
        <header className="bar">
          <BackButton />
          <h2 id="chat-missing-h">{t('chats')}</h2>
        </header>
        <div className="empty stack">
          <p role="alert">
            {code === 'FORBIDDEN' || code === 'NOT_FOUND'
              ? t('chatUnavailable')
              : errorText(t, error)}
          </p>
          <button type="button" className="primary" onClick={() => navigate('/')}>
            {t('backToChats')}
          </button>
        </div>
      </section>
    )
  }

  return (
    <section
      className="chat-view"
      aria-label={chat?.title ?? t('loading')}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault()
          setDragging(true)
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false)
      }}
      onDrop={onDrop}
    >
      <header className="bar">
        <BackButton />
        {chat ? (
          <Avatar
            id={chat.id}
            name={chatTitle(t, chat, me.id)}
            size={36}
            avatar={chatAvatar(chat, me.id)}
            online={partnerOnline}
          />
        ) : null}
        <div className="chat-head">
          <h2>{chat ? chatTitle(t, chat, me.id) : t('loading')}</h2>
          {typingText ? (
            <span className="muted typing" aria-live="polite">
              {typingText}
            </span>
          ) : chat && !chat.isDirect ? (
            <span className="muted">{t('membersCount', { count: chat.members.length })}</span>
          ) : presenceText ? (
            <span className={`muted presence-status${partnerOnline ? ' online' : ''}`}>
              {presenceText}
            </span>
          ) : null}
        </div>
        {chat ? (
          <button
            type="button"
            className="icon"
            aria-label={t('searchInChat')}
            title={t('searchInChat')}
            onClick={() => navigate(searchPath('', chat.id))}
          >
            <SearchIcon />
          </button>
        ) : null}
        {chat ? (
          <button
            type="button"
            className="icon"
            aria-label={chat.isDirect ? t('chatInfo') : t('groupSettings')}
            title={chat.isDirect ? t('chatInfo') : t('groupSettings')}
            onClick={() => setSettings(true)}
          >
            <InfoIcon />
          </button>
        ) : null}
      </header>
      {chat && pinned.data ? (
        <PinnedBar
          key={chatId}
          chat={chat}
          pinned={pinned.data}
          canUnpin={canPin}
          onUnpin={(p) => togglePin.mutate({ message: p.message, pin: false })}
        />
      ) : null}
      {history.isPending ? (
        <p className="muted center grow">{t('loading')}</p>
      ) : (
        <MessageList
          myId={me.id}
          isGroup={chat ? !chat.isDirect : false}
          messages={messages}
          pending={pending}
          hasOlder={history.hasNextPage}
          loadingOlder={history.isFetchingNextPage}
          loadOlder={() => void history.fetchNextPage()}
          focusId={focusId}
          unreadFromId={unreadFromId ?? null}
          onOpenImage={(image, message) => setLightbox({ image, message })}
          pinnedIds={pinnedIds}
          onTogglePin={(message, pin) => togglePin.mutate({ message, pin })}
          onReply={(message) => {
            setEditing(null)
            setReplyingTo(message)
          }}
          onOpenQuote={(message) => {
            if (message.replyTo) navigate(chatPath(chatId, message.replyTo.id), { replace: true })
          }}
          onRetry={(clientId) => void outbox.retry(clientId)}
          onDiscard={(clientId) => outbox.discard(clientId)}
          onEdit={setEditing}
          onDelete={(m) => {
            if (window.confirm(t('confirmDeleteForEveryone'))) remove.mutate(m)
          }}
          onHide={(m) => {
            if (window.confirm(t('confirmDeleteForMe'))) hide.mutate(m)
          }}
          onForward={(m) => {
            setNotice(null)
            setForwardOf(m)
          }}
          mentionable={mentionable}
          onReact={react}
          othersReadUpTo={chat?.othersReadUpTo ?? null}
          seenCounts={seenCounts}
          onSeenBy={setSeenByOf}
          onWhoReacted={setReactorsOf}
          onAtBottom={setAtBottom}
          empty={<p className="muted center">{t('noMessages')}</p>}
        />
      )}
      {actionError ? (
        <p className="form-error pad" role="alert">
          {actionError}
        </p>
      ) : null}
      <p className="muted pad forward-notice" role="status" hidden={notice === null}>
        {notice}
      </p>
      {closed ? (
        <p className="muted pad closed-chat" role="status">
          {t('closedChat')}
        </p>
      ) : (
        <Composer
          key={chatId}
          attachments={attachments}
          editing={editing}
          onCancelEdit={() => setEditing(null)}
          replyingTo={replyingTo}
          onCancelReply={() => setReplyingTo(null)}
          onSend={send}
          onSaveEdit={(message, text) => edit.mutate({ message, text })}
          onEditLast={() => {
            const last = messages.findLast(
              (m) => m.sender.id === me.id && !m.deleted && m.text !== null,
            )
            if (last) setEditing(last)
          }}
          draftKey={`${DRAFT_PREFIX}${me.id}.${chatId}`}
          onTyping={typing.announce}
          members={others}
        />
      )}
      {dragging ? (
        <div className="drop-overlay" aria-hidden="true">
          {t('dropHere')}
        </div>
      ) : null}
      <Suspense fallback={null}>
        {lightbox ? (
          <Lightbox
            image={lightbox.image}
            message={lightbox.message}
            onClose={() => setLightbox(null)}
          />
        ) : null}
        {forwardOf ? (
          <ForwardDialog
            message={forwardOf}
            myId={me.id}
            onClose={() => setForwardOf(null)}
            onDone={(title) => {
              setForwardOf(null)
              setNotice(t('forwardedTo', { title }))
            }}
          />
        ) : null}
        {seenByOf ? <SeenByDialog message={seenByOf} onClose={() => setSeenByOf(null)} /> : null}
        {reactorsOf ? (
          <ReactorsDialog message={reactorsOf} onClose={() => setReactorsOf(null)} />
        ) : null}
        {settings && chat?.isDirect === true ? (
          <PersonalChatDialog me={me} chat={chat} onClose={() => setSettings(false)} />
        ) : null}
        {settings && chat?.isDirect === false ? (
          <GroupSettingsDialog me={me} chat={chat} onClose={() => setSettings(false)} />
        ) : null}
      </Suspense>
    </section>
  )
}
