import sharp from 'sharp'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { ImageError, type ImageErrorKind } from './errors'
import { sniffFormat } from './formats'
import { fitFullHd, processImage, type ProcessedImage } from './pipeline'
import { PLACEHOLDER_MAX_BYTES } from './presets'
import {
  BLUE,
  GREEN,
  RED,
  animatedGif,
  asFormat,
  closeTo,
  cmykJpeg,
  hugeDeclaredPng,
  orientedJpeg,
  photoJpeg,
  png16WithAlpha,
  sampleColour,
  svgWithScript,
  textNamedJpg,
  truncatedJpeg,
} from './testing'

// Real sharp work on a shared 2-core machine: allow more than vitest's default 5 s.
vi.setConfig({ testTimeout: 30_000 })

const hasGpsIfd = (exif: Buffer) =>
  exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]))

/** Decodes every stored version and checks what the issue promises of each. */
const expectCleanWebp = async (p: ProcessedImage) => {
  const versions = [p.full, ...p.thumbnails]
  for (const v of versions) {
    const m = await sharp(v.data).metadata()
    expect(m.format).toBe('webp')
    expect([m.width, m.height]).toEqual([v.width, v.height])
    expect(m.exif).toBeUndefined()
    expect(m.xmp).toBeUndefined()
    expect(m.iptc).toBeUndefined()
    expect(m.icc).toBeUndefined()
    expect(m.orientation).toBeUndefined()
    expect(m.space).toBe('srgb')
    expect(m.pages ?? 1).toBe(1)
    expect(v.data.includes('secret')).toBe(false)
    expect(v.data.includes('EXIF')).toBe(false)
    expect(v.data.includes('XMP ')).toBe(false)
    // Full decode, not just the header: a broken encoder would fail here.
    await sharp(v.data, { failOn: 'warning' }).raw().toBuffer()
  }
  const longest = Math.max(p.full.width, p.full.height)
  const sizes = p.thumbnails.map((t) => t.size)
  expect(sizes).toEqual([...sizes].sort((a, b) => a - b))
  for (const t of p.thumbnails) {
    expect(Math.max(t.width, t.height)).toBe(t.size)
    expect(t.size).toBeLessThan(longest)
    // Same shape as the full version, within rounding.
    expect(Math.abs(t.width / t.height - p.full.width / p.full.height)).toBeLessThan(0.02)
  }
  if (p.placeholder !== null) {
    expect(p.placeholder.length).toBeLessThanOrEqual(PLACEHOLDER_MAX_BYTES)
    expect(p.placeholder).toMatch(/^data:image\/webp;base64,[A-Za-z0-9+/]+=*$/)
    const ph = Buffer.from(p.placeholder.split(',')[1]!, 'base64')
    const m = await sharp(ph).metadata()
    expect(m.format).toBe('webp')
    expect(Math.max(m.width, m.height)).toBeLessThanOrEqual(32)
    expect(m.exif).toBeUndefined()
  }
}

const rejects = async (input: Buffer, kind: ImageErrorKind, message: RegExp) => {
  const e: unknown = await processImage(input).then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(ImageError)
  expect((e as ImageError).kind).toBe(kind)
  expect((e as ImageError).message).toMatch(message)
}

describe('fitFullHd', () => {
  it.each([
    [7680, 4320, 1920, 1080],
    [4320, 7680, 1080, 1920],
    [4000, 4000, 1080, 1080],
    [10000, 1000, 1920, 192],
    [1000, 300, 1000, 300],
    [1, 1, 1, 1],
    [30000, 10, 1920, 1],
  ])('%i×%i → %i×%i', (w, h, ew, eh) => {
    expect(fitFullHd(w, h)).toEqual({ width: ew, height: eh })
  })
})

describe('processImage: an 8K photo from a phone', () => {
  let input: Buffer
  let out: ProcessedImage
  beforeAll(async () => {
    input = await photoJpeg()
    out = await processImage(input)
  }, 60_000)

  it('starts out 8K with GPS EXIF and XMP', async () => {
    const m = await sharp(input).metadata()
    expect([m.width, m.height]).toEqual([7680, 4320])
    expect(m.exif && hasGpsIfd(m.exif)).toBe(true)
    expect(m.exif?.includes('secret-location-description')).toBe(true)
    expect(m.xmpAsString).toContain('secret-xmp-author')
  })

  it('makes a FullHD version, 160/320/640 thumbnails and a placeholder, all without metadata', async () => {
    expect([out.width, out.height]).toEqual([7680, 4320])
    expect([out.full.width, out.full.height]).toEqual([1920, 1080])
    expect(out.thumbnails.map((t) => [t.size, t.width, t.height])).toEqual([
      [160, 160, 90],
      [320, 320, 180],
      [640, 640, 360],
    ])
    expect(out.inputFormat).toBe('jpeg')
    expect(out.placeholder).not.toBeNull()
    await expectCleanWebp(out)
  })

  it('keeps the picture: the full version matches the original scaled down', async () => {
    const expected = await sharp(input).resize(1920, 1080).raw().toBuffer()
    const actual = await sharp(out.full.data).raw().toBuffer()
    let diff = 0
    for (let i = 0; i < expected.length; i += 97) diff += Math.abs(expected[i]! - actual[i]!)
    expect(diff / (expected.length / 97)).toBeLessThan(12)
  })
})

describe('processImage: EXIF orientation', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('orientation %i ends up upright', async (o) => {
    const input = await orientedJpeg(o)
    const m = await sharp(input).metadata()
    expect(m.orientation).toBe(o)
    // Orientations 5–8 are stored on their side.
    expect([m.width, m.height]).toEqual(o >= 5 ? [200, 300] : [300, 200])
    const out = await processImage(input)
    expect([out.width, out.height]).toEqual([300, 200])
    expect([out.full.width, out.full.height]).toEqual([300, 200])
    for (const v of [out.full, ...out.thumbnails]) {
      expect(closeTo(await sampleColour(v.data, 0.2, 0.2), RED)).toBe(true)
      expect(closeTo(await sampleColour(v.data, 0.8, 0.2), GREEN)).toBe(true)
      expect(closeTo(await sampleColour(v.data, 0.5, 0.8), BLUE)).toBe(true)
    }
    await expectCleanWebp(out)
  })
})

describe('processImage: colour and depth', () => {
  it('converts a CMYK JPEG to sRGB', async () => {
    const input = await cmykJpeg()
    const m = await sharp(input).metadata()
    expect(m.space).toBe('cmyk')
    expect(m.channels).toBe(4)
    const out = await processImage(input)
    const fm = await sharp(out.full.data).metadata()
    expect(fm.channels).toBe(3)
    // Pure blue is outside the CMYK gamut, so compare with libvips' own CMYK→sRGB rendering.
    const reference = await sharp(input).toColourspace('srgb').png().toBuffer()
    for (const [x, y] of [
      [0.2, 0.2],
      [0.8, 0.2],
      [0.5, 0.8],
    ] as const)
      expect(
        closeTo(await sampleColour(out.full.data, x, y), await sampleColour(reference, x, y), 12),
      ).toBe(true)
    const [r, g, b] = await sampleColour(out.full.data, 0.5, 0.8)
    expect(b).toBeGreaterThan(r + 60)
    expect(b).toBeGreaterThan(g + 60)
    await expectCleanWebp(out)
  })

  it('turns a 16-bit PNG with alpha into 8-bit WebP that keeps the alpha', async () => {
    const input = await png16WithAlpha()
    const m = await sharp(input).metadata()
    expect(m.depth).toBe('ushort')
    expect(m.hasAlpha).toBe(true)
    const out = await processImage(input)
    expect([out.full.width, out.full.height]).toEqual([400, 300])
    expect(out.thumbnails.map((t) => t.size)).toEqual([160, 320])
    const { data, info } = await sharp(out.full.data).raw().toBuffer({ resolveWithObject: true })
    expect(info.channels).toBe(4)
    const [r, g, b, a] = data.subarray(0, 4)
    expect(closeTo([r!, g!, b!], [200, 100, 50], 12)).toBe(true)
    expect(Math.abs(a! - 128)).toBeLessThanOrEqual(3)
    await expectCleanWebp(out)
  })
})

describe('processImage: accepted formats', () => {
  it.each(['png', 'webp', 'avif', 'tiff', 'gif', 'jpeg'] as const)('%s', async (format) => {
    const input = await asFormat(format)
    expect(sniffFormat(input)).toEqual({ kind: 'accepted', format })
    const out = await processImage(input)
    expect(out.inputFormat).toBe(format)
    expect([out.full.width, out.full.height]).toEqual([300, 200])
    expect(closeTo(await sampleColour(out.full.data, 0.2, 0.2), RED, 50)).toBe(true)
    await expectCleanWebp(out)
  })

  it('keeps the first frame of an animated GIF as a still', async () => {
    const input = await animatedGif()
    expect((await sharp(input).metadata()).pages).toBe(3)
    const out = await processImage(input)
    expect(out.multiFrame).toBe(true)
    expect([out.full.width, out.full.height]).toEqual([120, 80])
    expect(out.thumbnails).toEqual([])
    expect(closeTo(await sampleColour(out.full.data, 0.5, 0.5), RED)).toBe(true)
    await expectCleanWebp(out)
  })

  it('never enlarges a small image and makes only smaller thumbnails', async () => {
    const input = await sharp({
      create: { width: 200, height: 500, channels: 3, background: '#808080' },
    })
      .png()
      .toBuffer()
    const out = await processImage(input)
    expect([out.full.width, out.full.height]).toEqual([200, 500])
    expect(out.thumbnails.map((t) => [t.size, t.width, t.height])).toEqual([
      [160, 64, 160],
      [320, 128, 320],
    ])
  })
})

describe('processImage: untrusted input', () => {
  it('rejects a truncated JPEG as corrupt', async () => {
    await rejects(await truncatedJpeg(), 'corrupt', /damaged or incomplete/)
  })
  it('rejects zero bytes', async () => {
    await rejects(Buffer.alloc(0), 'not_an_image', /empty/)
  })
  it('rejects text named .jpg as not an image', async () => {
    await rejects(textNamedJpg(), 'not_an_image', /not an image/)
  })
  it('refuses a PNG that declares 30000×30000 pixels before decoding it', async () => {
    const input = await hugeDeclaredPng()
    expect(input.length).toBeLessThan(200)
    await rejects(input, 'too_many_pixels', /at most 100\.0 megapixels but received 30000×30000/)
  })
  it('refuses SVG (scripts) as an unsupported format', async () => {
    await rejects(svgWithScript(), 'unsupported_format', /SVG images are not supported/)
  })
  it('refuses input over the byte limit', async () => {
    const input = await asFormat('png')
    const e = await processImage(input, { maxBytes: 100 }).catch((err: unknown) => err)
    expect(e).toBeInstanceOf(ImageError)
    expect((e as ImageError).kind).toBe('too_many_bytes')
  })
  it('honours a lower pixel limit', async () => {
    const e = await processImage(await asFormat('jpeg'), { maxPixels: 10_000 }).catch(
      (err: unknown) => err,
    )
    expect((e as ImageError).kind).toBe('too_many_pixels')
  })
  it.each([
    ['BMP', Buffer.from('BM\x00\x00\x00\x00\x00\x00\x00\x00', 'latin1')],
    ['PDF', Buffer.from('%PDF-1.7\n')],
    ['HEIC', Buffer.from('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic', 'latin1')],
  ])('names %s as unsupported', async (name, input) => {
    await rejects(input, 'unsupported_format', new RegExp(`^${name} images are not supported`))
  })
})
