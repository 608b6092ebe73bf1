import type { Image, Message } from '@messenger/shared'
import { Fragment, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react'
import { formatDay, isSameDay } from '../../lib/format'
import { useI18n } from '../../lib/i18n'
import { MessageBubble } from './message-bubble'
import type { PendingMessage } from './outbox'

/** Close enough to the bottom to follow new messages. */
const STICK_PX = 80
/** Start loading older messages before the top is reached. */
const LOAD_OLDER_PX = 400

export interface MessageListProps {
  myId: string
  isGroup: boolean
  messages: Message[]
  pending: PendingMessage[]
  hasOlder: boolean
  loadingOlder: boolean
  loadOlder: () => void
  focusId: string | null
  onOpenImage: (image: Image, message: Message) => void
  onRetry: (clientId: string) => void
  onDiscard: (clientId: string) => void
  onEdit: (message: Message) => void
  onDelete: (message: Message) => void
  /** Called with whether the newest message is in view. */
  onAtBottom: (atBottom: boolean) => void
  empty: ReactNode
}

/**
 * The scrolling history. Loading older pages keeps what is on screen in place (the distance from
 * the bottom is restored); new messages are followed only when the reader is already at the end.
 */
export const MessageList = (props: MessageListProps) => {
  const { t, lang } = useI18n()
  const { messages, pending, focusId } = props
  const ref = useRef<HTMLDivElement>(null)
  const fromBottom = useRef(0)
  const atBottom = useRef(true)
  const firstId = useRef<string | null>(null)
  const lastKey = useRef<string | null>(null)
  const focused = useRef<string | null>(null)
  const [highlight, setHighlight] = useState<string | null>(null)
  const propsRef = useRef(props)
  propsRef.current = props

  const all = [...messages, ...pending.map((p) => p.preview)]
  const last = all.at(-1)
  const lastKeyNow = last ? last.clientId : null

  const onScroll = () => {
    const el = ref.current
    if (!el) return
    fromBottom.current = el.scrollHeight - el.scrollTop
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX
    if (bottom !== atBottom.current) {
      atBottom.current = bottom
      propsRef.current.onAtBottom(bottom)
    }
    const p = propsRef.current
    if (el.scrollTop < LOAD_OLDER_PX && p.hasOlder && !p.loadingOlder) p.loadOlder()
  }

  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    const first = messages[0]?.id ?? null
    const prepended =
      firstId.current !== null && first !== firstId.current && lastKeyNow === lastKey.current
    if (prepended) {
      el.scrollTop = el.scrollHeight - fromBottom.current
    } else if (lastKeyNow !== lastKey.current) {
      const mine = last?.sender.id === props.myId
      const initial = lastKey.current === null
      if ((initial && !focusId) || atBottom.current || mine) el.scrollTop = el.scrollHeight
    }
    firstId.current = first
    lastKey.current = lastKeyNow
    fromBottom.current = el.scrollHeight - el.scrollTop
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX
    atBottom.current = bottom
    props.onAtBottom(bottom)
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
    const el = document.getElementById(`m-${focusId}`)
    if (el) {
      focused.current = focusId
      el.scrollIntoView({ block: 'center' })
      setHighlight(focusId)
      const timer = setTimeout(() => setHighlight(null), 2500)
      return () => clearTimeout(timer)
    }
    if (props.hasOlder && !props.loadingOlder) props.loadOlder()
    return undefined
  })

  return (
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
      {all.length === 0 ? props.empty : null}
      <ol>
        {all.map((m, i) => {
          const prev = all[i - 1]
          const newDay = !prev || !isSameDay(prev.createdAt, m.createdAt)
          const own = m.sender.id === props.myId
          const p = pending.find((x) => x.preview.id === m.id)
          const showSender = props.isGroup && !own && (newDay || prev.sender.id !== m.sender.id)
          return (
            <Fragment key={m.clientId}>
              {newDay ? (
                <li className="day" role="separator">
                  <span>{formatDay(m.createdAt, lang)}</span>
                </li>
              ) : null}
              <li>
                <MessageBubble
                  message={m}
                  own={own}
                  showSender={showSender}
                  status={p?.status}
                  highlighted={highlight === m.id}
                  onOpenImage={(image) => props.onOpenImage(image, m)}
                  onRetry={() => props.onRetry(m.clientId)}
                  onDiscard={() => props.onDiscard(m.clientId)}
                  onEdit={() => props.onEdit(m)}
                  onDelete={() => props.onDelete(m)}
                />
              </li>
            </Fragment>
          )
        })}
      </ol>
    </div>
  )
}
