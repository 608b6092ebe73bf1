/**
 * A file name safe to store and to send back in Content-Disposition: the last path component,
 * without control, format (bidi overrides) or reserved characters, at most `max` characters with
 * its extension kept; "file" when nothing is left.
 */
export const safeFileName = (raw: string, max = 255) => {
  const base = raw.split(/[/\\]/).at(-1) ?? ''
  const clean = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
  // Whole characters as people see them: a cut never splits an emoji or a letter with its accent.
  const chars = graphemes(clean)
  if (chars.length === 0) return 'file'
  if (chars.length <= max) return clean
  const dot = clean.lastIndexOf('.')
  const ext = dot > 0 ? graphemes(clean.slice(dot)) : []
  const keep = ext.length > 0 && ext.length <= 16 ? ext : []
  return chars.slice(0, max - keep.length).join('') + keep.join('')
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })
const graphemes = (s: string) => Array.from(segmenter.segment(s), (g) => g.segment)

/** The client's type when it is a well-formed `type/subtype`, else application/octet-stream. */
export const safeContentType = (raw: string) => {
  const t = raw.split(';')[0]!.trim().toLowerCase()
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,40}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,80}$/.test(t)
    ? t
    : 'application/octet-stream'
}

/**
 * `attachment` with an ASCII fallback and the exact name in RFC 5987 `filename*` (RFC 6266 §4.3).
 */
export const contentDisposition = (name: string) => {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'file'
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`
}
