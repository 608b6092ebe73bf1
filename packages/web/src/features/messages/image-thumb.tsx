import type { Image } from '@messenger/shared'
import { useState } from 'react'
import { useI18n } from '../../lib/i18n'

const MAX_W = 280
const MAX_H = 320

/** The box an image gets before it loads, so the history never jumps. */
export const thumbBox = (image: Pick<Image, 'width' | 'height'>) => {
  const scale = Math.min(1, MAX_W / image.width, MAX_H / image.height)
  return {
    width: Math.max(40, Math.round(image.width * scale)),
    height: Math.max(40, Math.round(image.height * scale)),
  }
}

/** The smallest thumbnail that is sharp at this size on this screen, else the largest there is. */
export const pickThumbnail = (
  image: Image,
  cssWidth: number,
  dpr = window.devicePixelRatio || 1,
) => {
  const need = cssWidth * dpr
  return image.thumbnails.find((t) => t.width >= need) ?? image.thumbnails.at(-1) ?? image.full
}

export const ImageThumb = ({ image, onOpen }: { image: Image; onOpen: () => void }) => {
  const { t } = useI18n()
  const [loaded, setLoaded] = useState(false)
  const box = thumbBox(image)
  const src = pickThumbnail(image, box.width)
  return (
    <button
      type="button"
      className="thumb"
      aria-label={t('openImage')}
      onClick={onOpen}
      style={{
        width: box.width,
        aspectRatio: `${image.width} / ${image.height}`,
        backgroundImage: image.placeholder ? `url("${image.placeholder}")` : undefined,
      }}
    >
      <img
        src={src.url}
        alt=""
        width={box.width}
        height={box.height}
        loading="lazy"
        className={loaded ? 'loaded' : ''}
        onLoad={() => setLoaded(true)}
      />
    </button>
  )
}
