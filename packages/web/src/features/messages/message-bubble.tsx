import type { Image, Message } from '@messenger/shared'
import { fullName } from '@messenger/shared'
import { useState } from 'react'
import { formatTime } from '../../lib/format'
import { useI18n } from '../../lib/i18n'
import { MoreIcon } from '../layout/icons'
import { ImageThumb } from './image-thumb'

export interface BubbleProps {
  message: Message
  own: boolean
  showSender: boolean
  status?: 'sending' | 'failed'
  highlighted?: boolean
  onOpenImage: (image: Image) => void
  onRetry?: () => void
  onDiscard?: () => void
  onEdit?: () => void
  onDelete?: () => void
}

export const MessageBubble = ({
  message,
  own,
  showSender,
  status,
  highlighted,
  onOpenImage,
  onRetry,
  onDiscard,
  onEdit,
  onDelete,
}: BubbleProps) => {
  const { t, lang } = useI18n()
  const [menu, setMenu] = useState(false)
  const canAct = own && !message.deleted && status === undefined && (onEdit ?? onDelete)

  return (
    <div
      id={`m-${message.id}`}
      className={`msg ${own ? 'own' : 'other'}${highlighted ? ' highlighted' : ''}${status ? ` ${status}` : ''}`}
      data-message-id={message.id}
    >
      <div className="bubble">
        {showSender ? <div className="sender">{fullName(message.sender)}</div> : null}
        {message.deleted ? (
          <p className="text deleted">{t('deletedMessage')}</p>
        ) : (
          <>
            {message.images.length > 0 ? (
              <div className="images">
                {message.images.map((img) => (
                  <ImageThumb key={img.id} image={img} onOpen={() => onOpenImage(img)} />
                ))}
              </div>
            ) : null}
            {message.text ? <p className="text">{message.text}</p> : null}
          </>
        )}
        <div className="meta">
          {message.editedAt && !message.deleted ? <span>{t('edited')}</span> : null}
          {status === 'sending' ? <span>{t('sending')}</span> : null}
          {status === 'failed' ? <span className="failed-label">{t('failed')}</span> : null}
          <time dateTime={message.createdAt}>{formatTime(message.createdAt, lang)}</time>
        </div>
      </div>
      {status === 'failed' ? (
        <div className="msg-actions">
          <button type="button" onClick={onRetry}>
            {t('retry')}
          </button>
          <button type="button" onClick={onDiscard}>
            {t('delete')}
          </button>
        </div>
      ) : null}
      {canAct ? (
        <div
          className="msg-menu"
          onBlur={(e) => {
            // Closes when focus leaves the menu: a click elsewhere, or Tab past its last item.
            if (!e.currentTarget.contains(e.relatedTarget)) setMenu(false)
          }}
        >
          <button
            type="button"
            className="icon small"
            aria-label={t('messageActions')}
            aria-expanded={menu}
            onClick={() => setMenu((m) => !m)}
          >
            <MoreIcon />
          </button>
          {menu ? (
            <div className="menu" onKeyDown={(e) => e.key === 'Escape' && setMenu(false)}>
              {message.text !== null && onEdit ? (
                <button
                  type="button"
                  autoFocus
                  onClick={() => {
                    setMenu(false)
                    onEdit()
                  }}
                >
                  {t('edit')}
                </button>
              ) : null}
              {onDelete ? (
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    setMenu(false)
                    onDelete()
                  }}
                >
                  {t('delete')}
                </button>
              ) : null}
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  )
}
