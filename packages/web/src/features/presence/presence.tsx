import { MAX_PRESENCE_IDS, type Chat, type Presence } from '@messenger/shared'
import { useQuery } from '@tanstack/react-query'
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import { formatShort, formatTime, isSameDay } from '../../lib/format'
import { useI18n, type Lang, type MessageKey } from '../../lib/i18n'
import { keys } from '../../lib/query-keys'
import { trpc } from '../../lib/trpc'
import { notePresence, presenceOf, subscribePresence } from './presence-store'

export const usePresence = (userId: string | undefined) =>
  useSyncExternalStore(subscribePresence, () => presenceOf(userId))

/** The other person of a personal chat; undefined for a group. */
export const partnerOf = (chat: Chat | undefined, myId: string) =>
  chat?.isDirect ? chat.members.find((m) => m.id !== myId)?.id : undefined

/**
 * Reads the presence of the people of the listed personal chats (the first MAX_PRESENCE_IDS);
 * events keep it current after that. The live stream refetches it whenever it (re)connects
 * (use-live-events), since events missed while away are not replayed.
 */
export const usePresenceSync = (chats: Chat[] | undefined, myId: string) => {
  const ids = useMemo(
    () =>
      [...new Set((chats ?? []).flatMap((c) => partnerOf(c, myId) ?? []))].slice(
        0,
        MAX_PRESENCE_IDS,
      ),
    [chats, myId],
  )
  const asked = useQuery({
    queryKey: keys.presence(ids),
    queryFn: () => trpc.users.presence.query({ userIds: ids }),
    enabled: ids.length > 0,
    staleTime: Infinity,
  })
  useEffect(() => {
    if (asked.data) notePresence(asked.data.items)
  }, [asked.data])
}

/** Re-renders every `ms`, for texts that age ("5 minutes ago"). */
export const useNow = (ms = 30_000) => {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(timer)
  }, [ms])
  return now
}

type T = (key: MessageKey, vars?: Record<string, string | number>) => string

/** "online", "last seen 5 minutes ago", "last seen yesterday at 14:05"; null when unknown. */
export const presenceText = (t: T, lang: Lang, p: Presence | undefined, now: number) => {
  if (!p) return null
  if (p.online) return t('online')
  if (p.lastSeenAt === null) return null
  const ago = Math.max(0, now - Date.parse(p.lastSeenAt))
  const minutes = Math.floor(ago / 60_000)
  if (minutes < 1) return t('lastSeenJustNow')
  if (minutes < 60) return t('lastSeenMinutes', { count: minutes })
  const nowIso = new Date(now).toISOString()
  if (isSameDay(p.lastSeenAt, nowIso)) {
    return t('lastSeenHours', { count: Math.floor(minutes / 60) })
  }
  if (isSameDay(p.lastSeenAt, new Date(now - 86_400_000).toISOString())) {
    return t('lastSeenYesterday', { time: formatTime(p.lastSeenAt, lang) })
  }
  return t('lastSeen', { time: formatShort(p.lastSeenAt, lang, new Date(now)) })
}

/** The presence line of a personal chat's header. */
export const usePresenceText = (userId: string | undefined) => {
  const { t, lang } = useI18n()
  const p = usePresence(userId)
  const now = useNow()
  return presenceText(t, lang, p, now)
}
