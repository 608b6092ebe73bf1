import { chatEvent } from '@messenger/shared'
import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { keys } from '../../lib/query-keys'
import { errorCode, session, trpc } from '../../lib/trpc'
import { applyEvent } from './apply'

export type LiveState = 'connecting' | 'live' | 'reconnecting'

/** The chat on screen, read when an event arrives (a ref, not state: it must not resubscribe). */
export const openChat = { id: null as string | null }

const RETRY_MS = 2000

/**
 * Subscribes to `messages.events` for the signed-in user and merges every event into the query
 * cache. Reconnects resume from the last event id, so nothing is missed during a network loss.
 */
export const useLiveEvents = (myId: string): LiveState => {
  const qc = useQueryClient()
  const [state, setState] = useState<LiveState>('connecting')

  useEffect(() => {
    let lastEventId: string | undefined
    let everConnected = false
    let disconnected = false
    let retry: ReturnType<typeof setTimeout> | undefined
    let sub: { unsubscribe: () => void } | undefined

    const connected = () => {
      setState('live')
      // A resumed stream replays missed events, but a first connection after a long outage may
      // predate them: refresh the list once so counts are right either way.
      if (disconnected) void qc.invalidateQueries({ queryKey: keys.chats })
      everConnected = true
      disconnected = false
    }
    const lost = () => {
      disconnected = true
      setState(everConnected ? 'reconnecting' : 'connecting')
    }

    const start = () => {
      sub = trpc.messages.events.subscribe(lastEventId === undefined ? {} : { lastEventId }, {
        onStarted: connected,
        onData: (envelope) => {
          lastEventId = envelope.id
          const parsed = chatEvent.safeParse(envelope.data)
          if (parsed.success) {
            applyEvent(qc, parsed.data, { myId, openChatId: openChat.id })
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
      })
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
  }, [qc, myId])

  return state
}
