/** Fixtures for tests and benchmarks, generated with sharp so the repository holds no binaries. */
import { randomBytes } from 'node:crypto'
import { crc32 } from 'node:zlib'
import sharp, { type Sharp } from 'sharp'
import { fitFullHd } from './pipeline'
import { FULL_WEBP } from './presets'

export type Rgb = readonly [number, number, number]
export const RED: Rgb = [220, 30, 30]
export const GREEN: Rgb = [30, 200, 40]
export const BLUE: Rgb = [30, 40, 220]

/**
 * 300×200 "upright" test card: top-left red, top-right green, bottom half blue, so a rotation,
 * a mirror or a flip each land a different colour in the corners.
 */
export const uprightCard = (width = 300, height = 200) => {
  const data = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const c = y >= height / 2 ? BLUE : x < width / 2 ? RED : GREEN
      data.set(c, (y * width + x) * 3)
    }
  return sharp(data, { raw: { width, height, channels: 3 } })
}

const png = (s: Sharp) => s.png().toBuffer()

/**
 * A JPEG whose stored pixels, once EXIF orientation `o` is applied, show the upright card.
 * Stored = inverse of the orientation's transform applied to the card.
 */
export const orientedJpeg = async (o: number) => {
  let b = await png(uprightCard())
  const step = async (f: (s: Sharp) => Sharp) => (b = await png(f(sharp(b))))
  switch (o) {
    case 2:
      await step((s) => s.flop())
      break
    case 3:
      await step((s) => s.rotate(180))
      break
    case 4:
      await step((s) => s.flip())
      break
    case 5: // transpose: rotate 90 then mirror
      await step((s) => s.rotate(90))
      await step((s) => s.flop())
      break
    case 6: // displayed rotated 90° clockwise, so stored rotated 90° counter-clockwise
      await step((s) => s.rotate(270))
      break
    case 7: // transverse: rotate 90 then flip
      await step((s) => s.rotate(90))
      await step((s) => s.flip())
      break
    case 8:
      await step((s) => s.rotate(90))
      break
  }
  return sharp(b).jpeg({ quality: 95 }).withMetadata({ orientation: o }).toBuffer()
}

/**
 * Photo-like (smooth colour fields with grain, not pure noise) JPEG with camera EXIF, GPS and XMP,
 * like a phone's. 7680×4320 by default (8K UHD).
 */
export const photoJpeg = async (width = 7680, height = 4320, quality = 88) => {
  // Random colour fields enlarged smoothly, plus grain enlarged without smoothing: photo-like
  // detail that compresses like a photo, at a fraction of the cost of per-pixel noise at 8K.
  const raw = (w: number, h: number) => ({ raw: { width: w, height: h, channels: 3 as const } })
  const sw = Math.ceil(width / 48)
  const sh = Math.ceil(height / 48)
  const gw = Math.ceil(width / 4)
  const gh = Math.ceil(height / 4)
  const grain = randomBytes(gw * gh * 3).map((v) => 112 + (v >> 3))
  const grainFull = await sharp(grain, raw(gw, gh))
    .resize(width, height, { kernel: 'nearest' })
    .raw()
    .toBuffer()
  const smooth = await sharp(randomBytes(sw * sh * 3), raw(sw, sh))
    .resize(width, height, { kernel: 'cubic' })
    .raw()
    .toBuffer()
  for (let i = 0; i < smooth.length; i++)
    smooth[i] = Math.max(0, Math.min(255, smooth[i]! + grainFull[i]! - 128))
  return sharp(smooth, { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'Phone 8K', ImageDescription: 'secret-location-description' },
      IFD2: { DateTimeOriginal: '2026:11:24 10:00:00' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '55/1 45/1 2100/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '37/1 37/1 1200/100',
      },
    })
    .withXmp(
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="secret-xmp-author"/></rdf:RDF></x:xmpmeta>',
    )
    .toBuffer()
}

export const cmykJpeg = () => uprightCard().toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer()

/** 16 bits per channel with a half-transparent alpha channel. */
export const png16WithAlpha = () =>
  sharp({
    create: {
      width: 400,
      height: 300,
      channels: 4,
      background: { r: 200, g: 100, b: 50, alpha: 0.5 },
    },
  })
    .toColourspace('rgb16')
    .png()
    .toBuffer()

/** Three 120×80 frames: red, green, blue. */
export const animatedGif = async () => {
  const frame = (c: Rgb) =>
    sharp({
      create: { width: 120, height: 80, channels: 3, background: { r: c[0], g: c[1], b: c[2] } },
    })
      .png()
      .toBuffer()
  const frames = await Promise.all([frame(RED), frame(GREEN), frame(BLUE)])
  return sharp(frames, { join: { animated: true } })
    .gif({ delay: [100, 100, 100] })
    .toBuffer()
}

export const truncatedJpeg = async () => {
  const whole = await photoJpeg(800, 600)
  return whole.subarray(0, Math.floor(whole.length / 2))
}

export const textNamedJpg = () => Buffer.from('This is a text file that someone named photo.jpg\n')

export const svgWithScript = () =>
  Buffer.from(
    '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><script>alert(document.cookie)</script><rect width="100" height="100" fill="red"/></svg>',
  )

const pngChunk = (type: string, data: Buffer) => {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

/** A tiny file whose PNG header claims `width × height` pixels (a decompression bomb's shape). */
export const hugeDeclaredPng = async (width = 30000, height = 30000) => {
  const small = await sharp({
    create: { width: 1, height: 1, channels: 3, background: '#000' },
  })
    .png()
    .toBuffer()
  const ihdrData = Buffer.from(small.subarray(16, 29))
  ihdrData.writeUInt32BE(width, 0)
  ihdrData.writeUInt32BE(height, 4)
  return Buffer.concat([small.subarray(0, 8), pngChunk('IHDR', ihdrData), small.subarray(33)])
}

/** The same picture in every other accepted format. */
export const asFormat = (format: 'png' | 'webp' | 'avif' | 'tiff' | 'gif' | 'jpeg') =>
  uprightCard().toFormat(format).toBuffer()

/** Mean RGB of a small box around (fx, fy), given as fractions of width and height. */
export const sampleColour = async (image: Buffer, fx: number, fy: number): Promise<Rgb> => {
  const { data, info } = await sharp(image)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  const cx = Math.floor(info.width * fx)
  const cy = Math.floor(info.height * fy)
  const sum = [0, 0, 0]
  let n = 0
  for (let y = Math.max(0, cy - 2); y <= Math.min(info.height - 1, cy + 2); y++)
    for (let x = Math.max(0, cx - 2); x <= Math.min(info.width - 1, cx + 2); x++) {
      for (let c = 0; c < 3; c++) sum[c]! += data[(y * info.width + x) * info.channels + c]!
      n++
    }
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n]
}

export const closeTo = (a: Rgb, b: Rgb, tolerance = 40) =>
  a.every((v, i) => Math.abs(v - b[i]!) <= tolerance)

/** Decoded header of an output, for packages that do not depend on sharp themselves. */
export const inspectImage = (image: Buffer) => sharp(image).metadata()

/**
 * The benchmark's baseline: the full version alone, decoded and encoded exactly as the pipeline
 * does it, without thumbnails or placeholder.
 */
export const fullVersionOnly = async (input: Buffer) => {
  const meta = await sharp(input).metadata()
  const swapped = (meta.orientation ?? 1) >= 5
  const target = fitFullHd(swapped ? meta.height : meta.width, swapped ? meta.width : meta.height)
  return sharp(input, { failOn: 'error', pages: 1, autoOrient: true })
    .resize(target.width, target.height, { fit: 'fill' })
    .toColourspace('srgb')
    .webp(FULL_WEBP)
    .toBuffer()
}
