import type { Message } from '@messenger/shared'
import { useI18n } from '../../lib/i18n'
import type { BubbleActions, Receipt } from '../messages/message-bubble'
import './receipts.css'

/** ✓ sent, ✓✓ read; in a group, "Seen by N" that opens the list of who. */
export const ReceiptMark = ({
  message,
  receipt,
  actions,
}: {
  message: Message
  receipt: Receipt
  actions: BubbleActions
}) => {
  const { t } = useI18n()
  if (receipt.seenBy !== undefined && receipt.seenBy > 0) {
    return (
      <button type="button" className="seen-by" onClick={() => actions.seenBy?.(message)}>
        <span aria-hidden="true">✓✓ </span>
        {t('seenBy', { count: receipt.seenBy })}
      </button>
    )
  }
  const label = receipt.read ? t('tickRead') : t('tickSent')
  return (
    <span
      className={`ticks${receipt.read ? ' read' : ''}`}
      role="img"
      aria-label={label}
      title={label}
    >
      {receipt.read ? '✓✓' : '✓'}
    </span>
  )
}
