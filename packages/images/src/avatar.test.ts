import sharp from 'sharp'
import { describe, expect, it, vi } from 'vitest'
import { processAvatar } from './avatar'
import { ImageError } from './errors'
import { BLUE, GREEN, orientedJpeg, photoJpeg, RED, svgWithScript, type Rgb } from './testing'

vi.setConfig({ testTimeout: 30_000 })

const centre = async (webp: Buffer) => {
  const { data, info } = await sharp(webp).raw().toBuffer({ resolveWithObject: true })
  const at = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * info.channels
  return [data[at]!, data[at + 1]!, data[at + 2]!] as const
}
const near = (got: readonly number[], want: Rgb) => got.every((v, i) => Math.abs(v - want[i]!) < 40)

const kindOf = async (p: Promise<unknown>) => {
  try {
    await p
    return 'ok'
  } catch (e) {
    return e instanceof ImageError ? e.kind : String(e)
  }
}

describe('processAvatar', () => {
  it('cuts the square the person chose, at 64, 256 and 512, as WebP without metadata', async () => {
    const input = await photoJpeg(1200, 800)
    const out = await processAvatar(input, { left: 100, top: 50, size: 600 })
    expect(out.versions.map((v) => v.size)).toEqual([64, 256, 512])
    for (const v of out.versions) {
      const m = await sharp(v.data).metadata()
      expect([m.format, m.width, m.height]).toEqual(['webp', v.size, v.size])
      expect(m.exif).toBeUndefined()
      expect(m.xmp).toBeUndefined()
      expect(m.icc).toBeUndefined()
    }
  })

  // The card is red top-left, green top-right, blue below, as the person sees it once oriented.
  it.each([1, 3, 6, 8])('crops in the oriented picture (EXIF orientation %i)', async (o) => {
    const input = await orientedJpeg(o)
    const red = await processAvatar(input, { left: 10, top: 10, size: 80 })
    const green = await processAvatar(input, { left: 200, top: 5, size: 90 })
    const blue = await processAvatar(input, { left: 100, top: 110, size: 90 })
    expect(near(await centre(red.versions[0]!.data), RED)).toBe(true)
    expect(near(await centre(green.versions[0]!.data), GREEN)).toBe(true)
    expect(near(await centre(blue.versions[0]!.data), BLUE)).toBe(true)
    expect([red.width, red.height]).toEqual([300, 200])
  })

  it('refuses a crop outside the image, not whole, or empty', async () => {
    const input = await orientedJpeg(1)
    for (const crop of [
      { left: 0, top: 0, size: 201 },
      { left: 250, top: 0, size: 60 },
      { left: -1, top: 0, size: 10 },
      { left: 0.5, top: 0, size: 10 },
      { left: 0, top: 0, size: 0 },
      { left: Number.NaN, top: 0, size: 10 },
    ])
      expect(await kindOf(processAvatar(input, crop))).toBe('bad_crop')
  })

  it('refuses what is not an acceptable image before decoding', async () => {
    expect(await kindOf(processAvatar(Buffer.from('hello'), { left: 0, top: 0, size: 1 }))).toBe(
      'not_an_image',
    )
    expect(await kindOf(processAvatar(svgWithScript(), { left: 0, top: 0, size: 1 }))).toBe(
      'unsupported_format',
    )
    const input = await orientedJpeg(1)
    expect(
      await kindOf(processAvatar(input, { left: 0, top: 0, size: 10 }, { maxPixels: 1000 })),
    ).toBe('too_many_pixels')
  })
})
