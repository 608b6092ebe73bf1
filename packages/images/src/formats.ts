/** Formats accepted as uploads, by what their bytes say (never by name or client Content-Type). */
export type InputFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'tiff'

export type Sniffed =
  | { kind: 'accepted'; format: InputFormat }
  | { kind: 'unsupported'; format: string }
  | { kind: 'unknown' }

const startsWith = (b: Buffer, sig: readonly number[], at = 0) =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v)
const ascii = (b: Buffer, from: number, to: number) => b.subarray(from, to).toString('latin1')

/** Brands of an ISO-BMFF `ftyp` box (major and compatible), or null when there is none. */
const ftypBrands = (b: Buffer): string[] | null => {
  if (b.length < 16 || ascii(b, 4, 8) !== 'ftyp') return null
  const size = Math.min(b.readUInt32BE(0), b.length, 256)
  const brands = [ascii(b, 8, 12)]
  for (let i = 16; i + 4 <= size; i += 4) brands.push(ascii(b, i, i + 4))
  return brands
}

/**
 * Decides from magic bytes, so SVG (scripts, external references) never reaches a decoder and
 * text named `.jpg` is told apart from a format we merely refuse.
 */
export const sniffFormat = (b: Buffer): Sniffed => {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return { kind: 'accepted', format: 'jpeg' }
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: 'accepted', format: 'png' }
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')
    return { kind: 'accepted', format: 'gif' }
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP')
    return { kind: 'accepted', format: 'webp' }
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]))
    return { kind: 'accepted', format: 'tiff' }
  const brands = ftypBrands(b)
  if (brands) {
    if (brands.includes('avif') || brands.includes('avis'))
      return { kind: 'accepted', format: 'avif' }
    if (brands.some((x) => /^(hei|hev|mif1|msf1)/.test(x)))
      return { kind: 'unsupported', format: 'HEIC' }
    return { kind: 'unsupported', format: `ISO media (${brands[0]!.trim()})` }
  }
  if (startsWith(b, [0x42, 0x4d])) return { kind: 'unsupported', format: 'BMP' }
  if (startsWith(b, [0x00, 0x00, 0x01, 0x00])) return { kind: 'unsupported', format: 'ICO' }
  if (ascii(b, 0, 4) === '8BPS') return { kind: 'unsupported', format: 'PSD' }
  if (ascii(b, 0, 5) === '%PDF-') return { kind: 'unsupported', format: 'PDF' }
  if (startsWith(b, [0xff, 0x0a]) || startsWith(b, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20]))
    return { kind: 'unsupported', format: 'JPEG XL' }
  if (startsWith(b, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20]))
    return { kind: 'unsupported', format: 'JPEG 2000' }
  // SVG is XML text: look for an <svg element near the start, after an optional BOM/prolog.
  const head = b
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
  if (head.startsWith('<') && /<svg[\s>]/i.test(head)) return { kind: 'unsupported', format: 'SVG' }
  return { kind: 'unknown' }
}
