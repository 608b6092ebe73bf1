import sharp from 'sharp'
import { ImageError } from './errors'
import { sniffFormat } from './formats'
import { AVATAR_SIZES, AVATAR_WEBP, DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS } from './presets'

// Every upload is decoded once and never again (as in pipeline.ts).
sharp.cache(false)

/** A square in the coordinates of the image as it is shown: after its EXIF orientation. */
export interface SquareCrop {
  left: number
  top: number
  size: number
}

export interface ProcessedAvatar {
  /** Size of the input after EXIF orientation, which the crop was checked against. */
  width: number
  height: number
  /** One WebP per AVATAR_SIZES entry, smallest first, without any metadata. */
  versions: { size: number; data: Buffer }[]
}

const mp = (pixels: number) => `${(pixels / 1e6).toFixed(1)} megapixels`

const refuseInput = (input: Buffer, maxBytes: number) => {
  if (input.length === 0) throw new ImageError('not_an_image', 'The file is empty')
  if (input.length > maxBytes)
    throw new ImageError(
      'too_many_bytes',
      `Expected a file of at most ${maxBytes} bytes but received ${input.length}`,
    )
  const sniffed = sniffFormat(input)
  if (sniffed.kind === 'unknown')
    throw new ImageError(
      'not_an_image',
      'The file is not an image: expected JPEG, PNG, WebP, GIF, AVIF or TIFF',
    )
  if (sniffed.kind === 'unsupported')
    throw new ImageError(
      'unsupported_format',
      `${sniffed.format} images are not supported: expected JPEG, PNG, WebP, GIF, AVIF or TIFF`,
    )
}

/** Throws a `bad_crop` ImageError unless the square lies wholly inside width × height. */
export const checkCrop = (crop: SquareCrop, width: number, height: number) => {
  const { left, top, size } = crop
  const whole = [left, top, size].every((n) => Number.isSafeInteger(n))
  if (!whole || left < 0 || top < 0 || size < 1 || left + size > width || top + size > height)
    throw new ImageError(
      'bad_crop',
      `Expected a square crop inside the ${width}×${height} image (whole pixels, size ≥ 1) but received left ${left}, top ${top}, size ${size}`,
    )
}

/**
 * Cuts the square `crop` out of an untrusted upload and encodes it at every AVATAR_SIZES size as
 * WebP: EXIF orientation applied first (the crop is in the coordinates the person saw), 8-bit
 * sRGB, no metadata, first frame only.
 *
 * @example await processAvatar(bytes, { left: 120, top: 0, size: 480 })
 * @throws ImageError for input that is not an acceptable image, or a crop outside it.
 */
export const processAvatar = async (
  input: Buffer,
  crop: SquareCrop,
  options: { maxPixels?: number; maxBytes?: number } = {},
): Promise<ProcessedAvatar> => {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS
  refuseInput(input, options.maxBytes ?? DEFAULT_MAX_BYTES)
  try {
    const meta = await sharp(input, { failOn: 'error', limitInputPixels: 0, pages: 1 }).metadata()
    const frameHeight = meta.pageHeight ?? meta.height
    const pixels = meta.width * frameHeight
    if (pixels > maxPixels)
      throw new ImageError(
        'too_many_pixels',
        `Expected an image of at most ${mp(maxPixels)} but received ${meta.width}×${frameHeight} (${mp(pixels)})`,
      )
    const swapped = (meta.orientation ?? 1) >= 5
    const width = swapped ? frameHeight : meta.width
    const height = swapped ? meta.width : frameHeight
    checkCrop(crop, width, height)
    // Decoded, oriented and cut once; every size is scaled from the square.
    const square = await sharp(input, {
      failOn: 'error',
      limitInputPixels: maxPixels,
      pages: 1,
      autoOrient: true,
    })
      .extract({ left: crop.left, top: crop.top, width: crop.size, height: crop.size })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
    const raw = {
      raw: { width: square.info.width, height: square.info.height, channels: square.info.channels },
    }
    const versions = await Promise.all(
      AVATAR_SIZES.map(async (size) => ({
        size,
        data: await sharp(square.data, raw)
          .resize(size, size, { fit: 'fill' })
          .webp(AVATAR_WEBP)
          .toBuffer(),
      })),
    )
    return { width, height, versions }
  } catch (e) {
    if (e instanceof ImageError) throw e
    if (e instanceof Error && /pixel limit/i.test(e.message))
      throw new ImageError('too_many_pixels', `Expected an image of at most ${mp(maxPixels)}`, {
        cause: e,
      })
    if (e instanceof Error)
      throw new ImageError(
        'corrupt',
        `The image is damaged or incomplete and could not be read (${e.message.split('\n')[0]!.trim()})`,
        { cause: e },
      )
    throw e
  }
}
