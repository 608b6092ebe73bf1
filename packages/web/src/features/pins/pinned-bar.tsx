import type { Chat, PinnedMessage } from '@messenger/shared'
import { useState } from 'react'
import { useI18n } from '../../lib/i18n'
import { chatPath, navigate } from '../../lib/router'
import { CloseIcon, PinIcon } from '../layout/icons'

const previewOf = (p: PinnedMessage, t: ReturnType<typeof useI18n>['t']) =>
  p.message.text ?? (p.message.images.length > 0 ? t('image') : '')

/**
 * The pinned message at the top of a chat. A click shows it in the history and moves the bar on to
 * the next older pin, round and round, as in Telegram; the ✕ unpins it for those who may.
 */
export const PinnedBar = ({
  chat,
  pinned,
  canUnpin,
  onUnpin,
}: {
  chat: Chat
  pinned: PinnedMessage[]
  canUnpin: boolean
  onUnpin: (p: PinnedMessage) => void
}) => {
  const { t } = useI18n()
  const [at, setAt] = useState(0)
  if (pinned.length === 0) return null
  const index = at % pinned.length
  const current = pinned[index]!
  return (
    <div className="pinned-bar" role="region" aria-label={t('pinnedMessages')}>
      <button
        type="button"
        className="pinned-open"
        onClick={() => {
          navigate(chatPath(chat.id, current.message.id), { replace: true })
          setAt(index + 1)
        }}
      >
        <PinIcon />
        <span className="pinned-text">
          <span className="pinned-label">
            {pinned.length > 1
              ? t('pinnedOf', { n: index + 1, count: pinned.length })
              : t('pinnedMessage')}
          </span>
          <span className="pinned-preview">{previewOf(current, t)}</span>
        </span>
      </button>
      {canUnpin ? (
        <button
          type="button"
          className="icon"
          aria-label={t('unpinMessage')}
          title={t('unpinMessage')}
          onClick={() => onUnpin(current)}
        >
          <CloseIcon />
        </button>
      ) : null}
    </div>
  )
}
