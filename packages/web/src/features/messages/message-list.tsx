import type { Image, Message } from '@messenger/shared'
import { defaultRangeExtractor, observeElementRect, useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { formatDay, localDay } from '../../lib/format'
import { useI18n } from '../../lib/i18n'
import type { Mentionable } from '../mentions/mention-text'
import { MessageBubble, type BubbleActions } from './message-bubble'
import type { PendingMessage } from './outbox'
import { systemText } from './system-text'

/** Close enough to the bottom to follow new messages. */
const STICK_PX = 80
/** Start loading older messages before the top is reached. */
const LOAD_OLDER_PX = 400
/** Rows drawn beyond the visible ones, so a quick scroll shows no blank. */
const OVERSCAN = 10
const NO_LAYOUT_RECT = { width: 800, height: 800 }

/**
 * Each message's local day, worked out once: the rows are rebuilt for the whole history on every
 * new message, and dates were most of that work with 2,000 loaded. Messages are immutable objects.
 */
const days = new WeakMap<Message, number>()
const dayOf = (m: Message) => {
  let day = days.get(m)
  if (day === undefined) {
    day = localDay(m.createdAt)
    days.set(m, day)
  }
  return day
}

export interface MessageListProps {
  myId: string
  isGroup: boolean
  messages: Message[]
  pending: PendingMessage[]
  hasOlder: boolean
  loadingOlder: boolean
  loadOlder: () => void
  focusId: string | null
  /** The first message that was unread when the chat opened: a divider goes above it. */
  unreadFromId?: string | null
  onOpenImage: (image: Image, message: Message) => void
  onRetry: (clientId: string) => void
  onDiscard: (clientId: string) => void
  onEdit: (message: Message) => void
  onDelete: (message: Message) => void
  onReact?: (message: Message, emoji: string, active: boolean) => void
  /** Read receipts: the furthest another member read, and "seen by" counts in a group. */
  othersReadUpTo?: string | null
  seenCounts?: Map<string, number>
  onSeenBy?: (message: Message) => void
  onWhoReacted?: (message: Message) => void
  /** Ids of the chat's pinned messages, or undefined when the viewer may not pin here. */
  pinnedIds?: ReadonlySet<string> | undefined
  onTogglePin?: (message: Message, pin: boolean) => void
  onReply?: (message: Message) => void
  onOpenQuote?: (message: Message) => void
  onForward?: (message: Message) => void
  /** Delete for me. */
  onHide?: (message: Message) => void
  /** Logins that mark as mentions; one stable object per chat. */
  mentionable?: Mentionable | undefined
  /** Called with whether the newest message is in view. */
  onAtBottom: (atBottom: boolean) => void
  empty: ReactNode
}

interface Row {
  message: Message
  status: PendingMessage['status'] | undefined
  day: string | null
  showSender: boolean
  unreadDivider: boolean
}

/**
 * The scrolling history, virtualized: only the rows on screen (and a few around) are in the DOM,
 * so a long history costs no more to update than a short one. Loading older pages keeps what is
 * on screen in place (the distance from the bottom is restored, and rows measured later above the
 * viewport shift the scroll by their change); the end is followed only when the reader is there.
 */
export const MessageList = (props: MessageListProps) => {
  const { t, lang } = useI18n()
  const { messages, pending, focusId, myId, isGroup, unreadFromId } = props
  const ref = useRef<HTMLDivElement>(null)
  const listRef = useRef<HTMLOListElement>(null)
  const fromBottom = useRef(0)
  const stick = useRef(true)
  const atBottom = useRef(true)
  const firstId = useRef<string | null>(null)
  const lastKey = useRef<string | null>(null)
  const focused = useRef<string | null>(null)
  /** Rows just added above: the range the virtualizer draws is moved down by this many. */
  const shift = useRef(0)
  const [highlight, setHighlight] = useState<string | null>(null)
  const [unseen, setUnseen] = useState(0)
  const [away, setAway] = useState(false)
  const propsRef = useRef(props)
  propsRef.current = props

  const rows = useMemo(() => {
    const all: { m: Message; status: Row['status'] }[] = [
      ...messages.map((m) => ({ m, status: undefined })),
      ...pending.map((p) => ({ m: p.preview, status: p.status })),
    ]
    return all.map(({ m, status }, i): Row => {
      const prev = all[i - 1]?.m
      const newDay = !prev || dayOf(prev) !== dayOf(m)
      const own = m.sender.id === myId
      return {
        message: m,
        status,
        day: newDay ? formatDay(m.createdAt, lang) : null,
        showSender:
          isGroup && !own && (newDay || prev.sender.id !== m.sender.id || Boolean(prev.system)),
        unreadDivider: m.id === unreadFromId,
      }
    })
  }, [messages, pending, myId, isGroup, lang, unreadFromId])

  // Stable across renders, so a row that did not change is not redrawn (MessageBubble is memo).
  const actions = useMemo<BubbleActions>(
    () => ({
      openImage: (image, m) => propsRef.current.onOpenImage(image, m),
      retry: (m) => propsRef.current.onRetry(m.clientId),
      discard: (m) => propsRef.current.onDiscard(m.clientId),
      edit: (m) => propsRef.current.onEdit(m),
      remove: (m) => propsRef.current.onDelete(m),
      seenBy: (m) => propsRef.current.onSeenBy?.(m),
      reactions: {
        react: (m, emoji, active) => propsRef.current.onReact?.(m, emoji, active),
        whoReacted: (m) => propsRef.current.onWhoReacted?.(m),
      },
      togglePin: (m, pin) => propsRef.current.onTogglePin?.(m, pin),
      reply: (m) => propsRef.current.onReply?.(m),
      openQuote: (m) => propsRef.current.onOpenQuote?.(m),
      forward: (m) => propsRef.current.onForward?.(m),
      hide: (m) => propsRef.current.onHide?.(m),
    }),
    [],
  )

  const last = rows.at(-1)?.message
  const lastKeyNow = last ? last.clientId : null
  const firstNow = messages[0]?.id ?? null
  // An older page arrived above. Until the scroll position is restored (the layout effect) and the
  // virtualizer hears of it (the scroll event), it still reads the old offset: it would draw the
  // new page's rows at the top, only to drop them a moment later. Draw the rows on screen instead.
  if (firstId.current !== null && firstNow !== firstId.current && lastKeyNow === lastKey.current) {
    shift.current = Math.max(
      0,
      rows.findIndex((r) => r.message.id === firstId.current),
    )
  }

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => ref.current,
    estimateSize: (i) => (rows[i]?.message.images.length ? 260 : 64),
    getItemKey: (i) => rows[i]?.message.clientId ?? i,
    overscan: OVERSCAN,
    rangeExtractor: (range) =>
      shift.current === 0
        ? defaultRangeExtractor(range)
        : defaultRangeExtractor(range)
            .map((i) => i + shift.current)
            .filter((i) => i < range.count),
    // Without layout (jsdom) the scroller measures 0 high: draw a screenful rather than nothing.
    initialRect: NO_LAYOUT_RECT,
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : NO_LAYOUT_RECT)),
    // Corrections for rows measured above the viewport are applied to where the reader is now:
    // the list also moves scrollTop itself (restoring the view after older pages arrive), which
    // the virtualizer's own idea of the offset learns only from the next scroll event.
    scrollToFn: (offset, { adjustments, behavior }, instance) => {
      const el = instance.scrollElement
      if (!el) return
      if (adjustments) el.scrollTop += adjustments
      // A plain jump is a scrollTop write (it also works where scrollTo is missing, as in jsdom).
      else if (behavior === 'smooth') el.scrollTo({ top: offset, behavior })
      else el.scrollTop = offset
    },
  })

  const report = (el: HTMLDivElement) => {
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX
    if (bottom !== atBottom.current) {
      atBottom.current = bottom
      setAway(!bottom)
      propsRef.current.onAtBottom(bottom)
    }
    if (bottom) setUnseen(0)
    return bottom
  }

  const onScroll = () => {
    const el = ref.current
    if (!el) return
    // The virtualizer has read the restored offset by now (its listener is on the element).
    shift.current = 0
    fromBottom.current = el.scrollHeight - el.scrollTop
    stick.current = report(el)
    const p = propsRef.current
    if (el.scrollTop < LOAD_OLDER_PX && p.hasOlder && !p.loadingOlder) p.loadOlder()
  }

  const toBottom = () => {
    const el = ref.current
    if (!el) return
    el.scrollTop = el.scrollHeight
    stick.current = true
  }

  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    const first = firstNow
    const prepended =
      firstId.current !== null && first !== firstId.current && lastKeyNow === lastKey.current
    if (prepended) {
      const before = el.scrollTop
      el.scrollTop = el.scrollHeight - fromBottom.current
      // No scroll event will come to end the shift.
      if (el.scrollTop === before) shift.current = 0
    } else if (lastKeyNow !== lastKey.current) {
      const mine = last?.sender.id === myId
      const initial = lastKey.current === null
      if ((initial && !focusId) || stick.current || mine) toBottom()
      else if (!initial) {
        // Every row after the last one seen: two messages can arrive in one render.
        const seen = rows.findIndex((r) => r.message.clientId === lastKey.current)
        setUnseen((n) => n + (seen >= 0 ? rows.length - 1 - seen : 1))
      }
    } else if (stick.current) {
      // A row grew (measured, an edit, a long message confirmed): keep the end in view.
      el.scrollTop = el.scrollHeight
    }
    firstId.current = first
    lastKey.current = lastKeyNow
    fromBottom.current = el.scrollHeight - el.scrollTop
    report(el)
  })

  // Too little history to scroll: load more so the reader can reach older messages.
  useEffect(() => {
    const el = ref.current
    if (el && el.scrollHeight <= el.clientHeight && props.hasOlder && !props.loadingOlder) {
      props.loadOlder()
    }
  })

  // Opening a search result: page back until the message is loaded, then bring it into view.
  useEffect(() => {
    if (!focusId || focused.current === focusId) return
    const index = rows.findIndex((r) => r.message.id === focusId)
    if (index >= 0) {
      focused.current = focusId
      stick.current = false
      virtualizer.scrollToIndex(index, { align: 'center' })
      setHighlight(focusId)
      const timer = setTimeout(() => setHighlight(null), 2500)
      return () => clearTimeout(timer)
    }
    if (props.hasOlder && !props.loadingOlder) props.loadOlder()
    return undefined
  })

  virtualizer.shouldAdjustScrollPositionOnItemSizeChange = (item, _delta, instance) => {
    const el = instance.scrollElement
    return el ? item.end <= el.scrollTop - (listRef.current?.offsetTop ?? 0) : false
  }
  const items = virtualizer.getVirtualItems()

  return (
    <div className="messages-wrap">
      <div
        ref={ref}
        className="messages"
        role="log"
        aria-label={t('messages')}
        tabIndex={0}
        onScroll={onScroll}
      >
        {/* Always there while older pages exist, so showing the loader never shifts the history. */}
        {props.hasOlder ? (
          <p className="older muted center" aria-live="polite">
            {props.loadingOlder ? t('loadingOlder') : ''}
          </p>
        ) : null}
        {rows.length === 0 ? props.empty : null}
        <ol ref={listRef} style={{ height: virtualizer.getTotalSize() }}>
          {items.map((v) => {
            const row = rows[v.index]!
            const m = row.message
            return (
              <li
                key={v.key}
                data-index={v.index}
                ref={virtualizer.measureElement}
                style={{ transform: `translateY(${v.start}px)` }}
              >
                {/* The day first, then where the unread part begins within it. */}
                {row.day ? (
                  <p className="divider day">
                    <span>{row.day}</span>
                  </p>
                ) : null}
                {row.unreadDivider ? (
                  <p className="divider unread-divider">
                    <span>{t('newMessages')}</span>
                  </p>
                ) : null}
                {m.system ? (
                  // "Ann added Bob": a line of the chat's history, not a message anyone wrote.
                  <p className="divider system-line" id={`m-${m.id}`}>
                    <span>{systemText(t, lang, m, myId)}</span>
                  </p>
                ) : (
                  <MessageBubble
                    message={m}
                    own={m.sender.id === myId}
                    showSender={row.showSender}
                    status={row.status}
                    highlighted={highlight === m.id}
                    pinned={props.pinnedIds?.has(m.id)}
                    mentionable={props.mentionable}
                    receipt={
                      m.sender.id === myId && row.status === undefined && !m.deleted
                        ? {
                            read: m.id <= (props.othersReadUpTo ?? ''),
                            ...(isGroup && { seenBy: props.seenCounts?.get(m.id) ?? 0 }),
                          }
                        : undefined
                    }
                    actions={actions}
                  />
                )}
              </li>
            )
          })}
        </ol>
      </div>
      {away ? (
        <button
          type="button"
          className="jump-latest"
          aria-label={
            unseen > 0
              ? `${t('jumpToLatest')}: ${t('newCount', { count: unseen })}`
              : t('jumpToLatest')
          }
          onClick={toBottom}
        >
          ↓{unseen > 0 ? <span className="badge">{unseen}</span> : null}
        </button>
      ) : null}
    </div>
  )
}
