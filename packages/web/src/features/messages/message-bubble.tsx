import type { Image, Message } from '@messenger/shared'
import { fullName } from '@messenger/shared'
import { personName } from '../profile/names'
import { memo, useMemo, useState } from 'react'
import { formatTime } from '../../lib/format'
import { useI18n } from '../../lib/i18n'
import { MoreIcon } from '../layout/icons'
import { ReactionChips, ReactionPicker, type ReactionHandlers } from '../reactions/reaction-bar'
import { ReceiptMark } from '../receipts/receipt-mark'
import { FileCard } from '../files/file-card'
import { ImageThumb } from './image-thumb'
import { richText, type Mentionable } from '../mentions/mention-text'

/** What a bubble can ask for; one stable object for the whole list, so rows redraw only on change. */
export interface BubbleActions {
  openImage: (image: Image, message: Message) => void
  retry?: (message: Message) => void
  discard?: (message: Message) => void
  edit?: (message: Message) => void
  remove?: (message: Message) => void
  /** Who has seen one's own message in a group. */
  seenBy?: (message: Message) => void
  /** Reactions: set or take back the caller's own, and list who reacted. */
  reactions?: ReactionHandlers
  togglePin?: (message: Message, pin: boolean) => void
  reply?: (message: Message) => void
  /** Shows the answered message in the history. */
  openQuote?: (message: Message) => void
  /** Forward to another chat (asks which). */
  forward?: (message: Message) => void
  /** Delete for me: hides it from the viewer's own history only. */
  hide?: (message: Message) => void
}

/** Read receipts of one's own message: read in a personal chat, or seen by N in a group. */
export interface Receipt {
  read: boolean
  seenBy?: number
}

export interface BubbleProps {
  message: Message
  receipt?: Receipt | undefined
  own: boolean
  showSender: boolean
  status?: 'sending' | 'failed'
  highlighted?: boolean
  /** Whether it is pinned; undefined when the viewer may not pin in this chat. */
  pinned?: boolean | undefined
  /** The chat's members' logins, for marking mentions; one stable object per chat. */
  mentionable?: Mentionable | undefined
  actions: BubbleActions
}

/** Room the menu needs below its button; with less, it opens upward (e.g. over the composer). */
const MENU_ROOM_PX = 280

const opensUpward = (button: HTMLElement) => {
  const scroller = button.closest('.messages') ?? document.documentElement
  const limit = scroller.getBoundingClientRect().bottom
  return button.getBoundingClientRect().bottom + MENU_ROOM_PX > limit
}

export const MessageBubble = memo(function MessageBubble({
  message,
  receipt,
  own,
  showSender,
  status,
  highlighted,
  pinned,
  mentionable,
  actions,
}: BubbleProps) {
  const { t, lang } = useI18n()
  const [menu, setMenu] = useState<'down' | 'up' | null>(null)
  const settled = !message.deleted && status === undefined
  const canPin = settled && pinned !== undefined && actions.togglePin !== undefined
  const canReply = settled && actions.reply !== undefined
  const canForward = settled && actions.forward !== undefined
  const canHide = status === undefined && actions.hide !== undefined
  const canAct =
    (own && settled && (actions.edit ?? actions.remove)) ||
    canPin ||
    canReply ||
    canForward ||
    canHide
  // A forward's words are its author's: its mentions address nobody here.
  const marks = message.forwardedFrom ? undefined : mentionable
  const text = useMemo(
    () => (message.text ? richText(message.text, marks) : null),
    [message.text, marks],
  )

  return (
    <div
      id={`m-${message.id}`}
      className={`msg ${own ? 'own' : 'other'}${highlighted ? ' highlighted' : ''}${status ? ` ${status}` : ''}`}
      data-message-id={message.id}
    >
      <div className="bubble">
        {showSender ? <div className="sender">{personName(t, message.sender)}</div> : null}
        {message.forwardedFrom && !message.deleted ? (
          <div className="forwarded">
            {t('forwarded', { name: personName(t, message.forwardedFrom.sender) })}
          </div>
        ) : null}
        {message.replyTo && !message.deleted ? (
          <button
            type="button"
            className="quote"
            onClick={() => actions.openQuote?.(message)}
            title={t('showAnswered')}
          >
            <span className="visually-hidden">{t('inReplyTo')} </span>
            {message.replyTo.image ? (
              <img
                src={(message.replyTo.image.thumbnails[0] ?? message.replyTo.image.full).url}
                alt=""
                className="quote-thumb"
              />
            ) : null}
            <span className="quote-body">
              <span className="quote-sender">{fullName(message.replyTo.sender)}</span>
              <span className="quote-text">
                {message.replyTo.deleted
                  ? t('deletedMessage')
                  : (message.replyTo.text?.split('\n')[0] ?? t('image'))}
              </span>
            </span>
          </button>
        ) : null}
        {message.deleted ? (
          <p className="text deleted">{t('deletedMessage')}</p>
        ) : (
          <>
            {message.images.length > 0 ? (
              <div className="images">
                {message.images.map((img) => (
                  <ImageThumb
                    key={img.id}
                    image={img}
                    onOpen={() => actions.openImage(img, message)}
                  />
                ))}
              </div>
            ) : null}
            {message.files && message.files.length > 0 ? (
              <ul className="files">
                {message.files.map((f) => (
                  <li key={f.id}>
                    <FileCard file={f} />
                  </li>
                ))}
              </ul>
            ) : null}
            {text ? <p className="text">{text}</p> : null}
          </>
        )}
        {actions.reactions && !message.deleted ? (
          <ReactionChips message={message} on={actions.reactions} />
        ) : null}
        <div className="meta">
          {message.editedAt && !message.deleted ? <span>{t('edited')}</span> : null}
          {status === 'sending' ? <span>{t('sending')}</span> : null}
          {status === 'failed' ? <span className="failed-label">{t('failed')}</span> : null}
          <time dateTime={message.createdAt}>{formatTime(message.createdAt, lang)}</time>
          {receipt ? <ReceiptMark message={message} receipt={receipt} actions={actions} /> : null}
        </div>
      </div>
      {status === 'failed' ? (
        <div className="msg-actions">
          <button type="button" onClick={() => actions.retry?.(message)}>
            {t('retry')}
          </button>
          <button type="button" onClick={() => actions.discard?.(message)}>
            {t('delete')}
          </button>
        </div>
      ) : null}
      {actions.reactions && !message.deleted && status === undefined ? (
        <ReactionPicker message={message} on={actions.reactions} />
      ) : null}
      {canAct ? (
        <div
          className="msg-menu"
          onBlur={(e) => {
            // Closes when focus leaves the menu: a click elsewhere, or Tab past its last item.
            if (!e.currentTarget.contains(e.relatedTarget)) setMenu(null)
          }}
        >
          <button
            type="button"
            className="icon small"
            aria-label={t('messageActions')}
            aria-expanded={menu !== null}
            onClick={(e) => {
              const button = e.currentTarget
              setMenu((m) => (m ? null : opensUpward(button) ? 'up' : 'down'))
            }}
          >
            <MoreIcon />
          </button>
          {menu ? (
            <div className={`menu ${menu}`} onKeyDown={(e) => e.key === 'Escape' && setMenu(null)}>
              {canReply ? (
                <button
                  type="button"
                  autoFocus={!own}
                  onClick={() => {
                    setMenu(null)
                    actions.reply?.(message)
                  }}
                >
                  {t('reply')}
                </button>
              ) : null}
              {canPin ? (
                <button
                  type="button"
                  onClick={() => {
                    setMenu(null)
                    actions.togglePin?.(message, !pinned)
                  }}
                >
                  {t(pinned ? 'unpinMessage' : 'pinMessage')}
                </button>
              ) : null}
              {canForward ? (
                <button
                  type="button"
                  onClick={() => {
                    setMenu(null)
                    actions.forward?.(message)
                  }}
                >
                  {t('forward')}
                </button>
              ) : null}
              {own && settled && message.text !== null && !message.forwardedFrom && actions.edit ? (
                <button
                  type="button"
                  autoFocus
                  onClick={() => {
                    setMenu(null)
                    actions.edit?.(message)
                  }}
                >
                  {t('edit')}
                </button>
              ) : null}
              {canHide ? (
                <button
                  type="button"
                  className="danger"
                  autoFocus={!canReply && !(own && settled)}
                  onClick={() => {
                    setMenu(null)
                    actions.hide?.(message)
                  }}
                >
                  {t('deleteForMe')}
                </button>
              ) : null}
              {own && settled && actions.remove ? (
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    setMenu(null)
                    actions.remove?.(message)
                  }}
                >
                  {t('deleteForEveryone')}
                </button>
              ) : null}
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  )
})
