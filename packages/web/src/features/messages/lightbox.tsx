import type { Image } from '@messenger/shared'
import { useI18n } from '../../lib/i18n'
import { Modal } from '../layout/modal'

export const Lightbox = ({ image, onClose }: { image: Image; onClose: () => void }) => {
  const { t } = useI18n()
  return (
    <Modal title={t('imageViewer')} onClose={onClose} className="lightbox">
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
    </Modal>
  )
}
