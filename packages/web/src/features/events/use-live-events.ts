import { chatEvent, ephemeralEvent, type Chat, type ChatEvent } from '@messenger/shared'
import type { QueryClient } from '@tanstack/react-query'
import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { leavingChats, showNotice } from '../../lib/notice'
import { keys } from '../../lib/query-keys'
import { navigate } from '../../lib/router'
import { errorCode, session, trpc } from '../../lib/trpc'
import { clearTyping } from '../typing/typing-store'
import { applyEvent } from './apply'
import { applyEphemeral } from './ephemeral'

export type LiveState = 'connecting' | 'live' | 'reconnecting'

/** The chat on screen, read when an event arrives (a ref, not state: it must not resubscribe). */
export const openChat = { id: null as string | null }

/** Told of every logged event once it is merged into the cache (notifications listen here). */
export const liveEventListeners = new Set<(event: ChatEvent) => void>()

const RETRY_MS = 2000

/** The open chat is gone (removed by its owner): say so and go back to the list. */
const announceRemoval = (qc: QueryClient, event: ChatEvent) => {
  if (event.type !== 'chat.removed' || event.chatId !== openChat.id) return
  if (leavingChats.delete(event.chatId)) return
  const title =
    qc.getQueryData<Chat[]>(keys.chats)?.find((c) => c.id === event.chatId)?.title ??
    qc.getQueryData<Chat>(keys.chat(event.chatId))?.title ??
    ''
  showNotice({ key: 'removedFromChat', vars: { title } })
  navigate('/', { replace: true })
}

/** Events of a chat on screen are seen only while the tab is visible. */
const visibleChatId = () => (document.visibilityState === 'visible' ? openChat.id : null)

/**
 * Subscribes to `messages.events` for the signed-in user and merges every event into the query
 * cache. It resumes from `resumeFrom` (`messages.head`, read before anything else was loaded) and
 * then from the last event seen, so nothing is missed during a network loss, even one that starts
 * before the first live event. Null (`enabled` false) waits for the head.
 */
export const useLiveEvents = (myId: string, resumeFrom: string | undefined): LiveState => {
  const qc = useQueryClient()
  const [state, setState] = useState<LiveState>('connecting')

  useEffect(() => {
    if (resumeFrom === undefined) return
    let lastEventId = resumeFrom
    let everConnected = false
    let disconnected = false
    let retry: ReturnType<typeof setTimeout> | undefined
    let sub: { unsubscribe: () => void } | undefined

    const connected = () => {
      setState('live')
      // A resumed stream replays missed events, but a first connection after a long outage may
      // predate them: refresh the list once so counts are right either way.
      if (disconnected) void qc.invalidateQueries({ queryKey: keys.chats })
      // Presence is never replayed: read it again now that events flow.
      void qc.invalidateQueries({ queryKey: keys.presenceAll })
      everConnected = true
      disconnected = false
    }
    const lost = () => {
      disconnected = true
      setState(everConnected ? 'reconnecting' : 'connecting')
    }

    const start = () => {
      sub = trpc.messages.events.subscribe(
        { lastEventId },
        {
          onStarted: connected,
          onData: (envelope) => {
            // Typing and presence come without an id (the link hands them on bare) and never
            // move the resume point; an EventSource may label them with the last id it saw.
            if (!('data' in envelope)) {
              const e = ephemeralEvent.safeParse(envelope)
              if (e.success) applyEphemeral(qc, e.data, myId)
              return
            }
            if (envelope.id) lastEventId = envelope.id
            const ephemeral = ephemeralEvent.safeParse(envelope.data)
            if (ephemeral.success) return applyEphemeral(qc, ephemeral.data, myId)
            const parsed = chatEvent.safeParse(envelope.data)
            if (parsed.success) {
              announceRemoval(qc, parsed.data)
              applyEvent(qc, parsed.data, { myId, openChatId: visibleChatId() })
              if (parsed.data.type === 'message.created') {
                clearTyping(parsed.data.message.chatId, parsed.data.message.sender.id)
              }
              for (const listener of liveEventListeners) listener(parsed.data)
            }
          },
          onConnectionStateChange: (s) => {
            if (s.state === 'connecting' && s.error) lost()
            if (s.state === 'pending') connected()
          },
          onError: (error) => {
            // Not retried by the link (e.g. a token the server refused): start again with a fresh
            // token; a refused refresh signs out, which ends this hook.
            if (errorCode(error) === 'UNAUTHORIZED') session.refreshNow().catch(() => undefined)
            lost()
            sub?.unsubscribe()
            sub = undefined
            retry = setTimeout(start, RETRY_MS)
          },
        },
      )
    }
    // A dropped network can leave the stream silently half-open: the browser's own signal ends it
    // at once, and coming back online resumes from the last event id.
    const offline = () => {
      clearTimeout(retry)
      sub?.unsubscribe()
      sub = undefined
      lost()
    }
    const online = () => {
      if (sub) return
      clearTimeout(retry)
      start()
    }
    window.addEventListener('offline', offline)
    window.addEventListener('online', online)
    start()
    return () => {
      window.removeEventListener('offline', offline)
      window.removeEventListener('online', online)
      clearTimeout(retry)
      sub?.unsubscribe()
    }
  }, [qc, myId, resumeFrom])

  return state
}
