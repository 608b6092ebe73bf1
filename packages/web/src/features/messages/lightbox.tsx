import type { Image, Message } from '@messenger/shared'
import { fullName } from '@messenger/shared'
import { formatDateTime } from '../../lib/format'
import { useI18n } from '../../lib/i18n'
import { Modal } from '../layout/modal'

/** The full image with who sent it and when; a click beside it closes, Download saves it. */
export const Lightbox = ({
  image,
  message,
  onClose,
}: {
  image: Image
  message: Message | null
  onClose: () => void
}) => {
  const { t, lang } = useI18n()
  return (
    <Modal title={t('imageViewer')} onClose={onClose} className="lightbox" closeOnBackdrop>
      <img
        className="full-image"
        src={image.full.url}
        width={image.full.width}
        height={image.full.height}
        alt=""
        style={{
          backgroundImage: image.placeholder ? `url("${image.placeholder}")` : undefined,
        }}
      />
      <div className="lightbox-meta">
        {message ? (
          <span>
            <strong>{fullName(message.sender)}</strong>{' '}
            <time dateTime={message.createdAt}>{formatDateTime(message.createdAt, lang)}</time>
          </span>
        ) : (
          <span />
        )}
        <a className="button" href={image.full.url} download={`image-${image.id}`}>
          {t('download')}
        </a>
      </div>
    </Modal>
  )
}
