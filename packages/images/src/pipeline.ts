import sharp, { type Sharp, type SharpOptions } from 'sharp'
import { ImageError } from './errors'
import { sniffFormat, type InputFormat } from './formats'
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_PIXELS,
  FULL_LONG_SIDE,
  FULL_SHORT_SIDE,
  FULL_WEBP,
  PLACEHOLDER_MAX_BYTES,
  PLACEHOLDER_SIZE,
  PLACEHOLDER_WEBP,
  THUMBNAIL_SIZES,
  THUMBNAIL_WEBP,
} from './presets'

// Every upload is decoded once and never again, so libvips' operation cache would only hold memory.
sharp.cache(false)

export interface ProcessOptions {
  /** Width × height of the (first frame of the) input, read from its header. */
  maxPixels?: number
  maxBytes?: number
}

export interface EncodedVersion {
  width: number
  height: number
  /** WebP bytes without any metadata. */
  data: Buffer
}

export interface ProcessedImage {
  inputFormat: InputFormat
  /** Size of the input after EXIF orientation. */
  width: number
  height: number
  /** True when the input had several frames or pages; only the first is kept. */
  multiFrame: boolean
  full: EncodedVersion
  /** Ascending; each named by its preset (the longest side it was made for). */
  thumbnails: (EncodedVersion & { size: number })[]
  /** `data:image/webp;base64,...` of at most PLACEHOLDER_MAX_BYTES characters, or null. */
  placeholder: string | null
}

/** Largest size within FullHD in the image's own orientation, never larger than the input. */
export const fitFullHd = (width: number, height: number) => {
  const long = Math.max(width, height)
  const short = Math.min(width, height)
  const scale = Math.min(1, FULL_LONG_SIDE / long, FULL_SHORT_SIDE / short)
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  }
}

const fitLongSide = (width: number, height: number, long: number) => {
  const scale = long / Math.max(width, height)
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  }
}

const mp = (pixels: number) => `${(pixels / 1e6).toFixed(1)} megapixels`

/** Sharp's errors for untrusted input, as ImageErrors; anything else is a server fault. */
const fromSharpError = (e: unknown, maxPixels: number): unknown => {
  if (!(e instanceof Error)) return e
  if (/pixel limit/i.test(e.message))
    return new ImageError('too_many_pixels', `Expected an image of at most ${mp(maxPixels)}`, {
      cause: e,
    })
  if (
    /corrupt|truncat|premature|invalid|bad |unsupported|not a |read error|decode|vips|jpeg|png|gif|webp|heif|tiff/i.test(
      e.message,
    )
  )
    return new ImageError(
      'corrupt',
      `The image is damaged or incomplete and could not be read (${e.message.split('\n')[0]!.trim()})`,
      { cause: e },
    )
  return e
}

const inputOptions = (maxPixels: number): SharpOptions => ({
  // 'error' rejects truncated and undecodable data but tolerates the harmless warnings many
  // camera and phone JPEGs carry (extraneous bytes before a marker).
  failOn: 'error',
  limitInputPixels: maxPixels,
  // Animated GIF/WebP and multi-page TIFF: the first frame only (see README).
  pages: 1,
})

const encode = async (pipeline: Sharp) => {
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true })
  return { data, width: info.width, height: info.height }
}

/**
 * Turns an untrusted upload into a FullHD WebP, smaller WebP thumbnails and an inline placeholder.
 * The input is decoded once (JPEG and WebP shrink while decoding), oriented by EXIF, converted to
 * 8-bit sRGB; every output is encoded from that downscaled copy and carries no metadata.
 *
 * @example const { full, thumbnails, placeholder } = await processImage(await readFile('a.jpg'))
 * @throws ImageError for input that is empty, not an image, unsupported, corrupt or too large.
 */
export const processImage = async (
  input: Buffer,
  options: ProcessOptions = {},
): Promise<ProcessedImage> => {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
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

  try {
    // The header alone: lets the pixel limit speak before any pixel is decoded.
    const meta = await sharp(input, inputOptions(0)).metadata()
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
    const target = fitFullHd(width, height)

    const decoded = await sharp(input, { ...inputOptions(maxPixels), autoOrient: true })
      .resize(target.width, target.height, { fit: 'fill' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
    const raw = {
      raw: {
        width: decoded.info.width,
        height: decoded.info.height,
        channels: decoded.info.channels,
      },
    }
    const fromRaw = () => sharp(decoded.data, raw)

    const sizes = THUMBNAIL_SIZES.filter((s) => s < Math.max(raw.raw.width, raw.raw.height))
    const ph = fitLongSide(raw.raw.width, raw.raw.height, PLACEHOLDER_SIZE)
    const [full, thumbnails, placeholder] = await Promise.all([
      encode(fromRaw().webp(FULL_WEBP)),
      Promise.all(
        sizes.map(async (size) => {
          const t = fitLongSide(raw.raw.width, raw.raw.height, size)
          const out = await encode(
            fromRaw().resize(t.width, t.height, { fit: 'fill' }).webp(THUMBNAIL_WEBP),
          )
          return { ...out, size }
        }),
      ),
      fromRaw().resize(ph.width, ph.height, { fit: 'fill' }).webp(PLACEHOLDER_WEBP).toBuffer(),
    ])
    const dataUrl = `data:image/webp;base64,${placeholder.toString('base64')}`
    return {
      inputFormat: sniffed.format,
      width,
      height,
      multiFrame: (meta.pages ?? 1) > 1,
      full,
      thumbnails,
      placeholder: dataUrl.length <= PLACEHOLDER_MAX_BYTES ? dataUrl : null,
    }
  } catch (e) {
    if (e instanceof ImageError) throw e
    throw fromSharpError(e, maxPixels)
  }
}
