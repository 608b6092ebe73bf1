import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import busboy from 'busboy'
import { drainLimit, UploadError } from '../images/multipart'

export interface UploadInfo {
  /** As the client named it (unsafe until cleaned: see safeFileName). */
  filename: string
  mimeType: string
}

/**
 * Streams the one file of a multipart body (field `file`) into `store`, which must consume the
 * stream (to disk). Nothing is buffered beyond the stream's own chunks. Past `maxBytes` the stream
 * is destroyed with a `too_large` UploadError (so `store` fails and cleans up) and the rest of the
 * body is drained, so a browser reads the 413 instead of a reset.
 */
export const receiveUploadedFile = <T>(
  req: Request,
  maxBytes: number,
  store: (file: Readable, info: UploadInfo) => Promise<T>,
): Promise<{ stored: T; info: UploadInfo }> =>
  new Promise((resolve, reject) => {
    const contentType = req.headers.get('content-type') ?? ''
    if (!/^multipart\/form-data\s*;/i.test(contentType)) {
      reject(
        new UploadError('bad_request', 'Expected a multipart/form-data body with one field `file`'),
      )
      return
    }
    if (req.body === null) {
      reject(new UploadError('bad_request', 'The request has no body: send the file in `file`'))
      return
    }
    let parser: busboy.Busboy
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        // busboy signals its limit once a file reaches it: one byte more tells a file of exactly
        // maxBytes (allowed) from a larger one.
        limits: { files: 1, fileSize: maxBytes + 1, fields: 10, fieldSize: 1024, parts: 11 },
        defParamCharset: 'utf8',
      })
    } catch (e) {
      reject(new UploadError('bad_request', `Malformed multipart body: ${(e as Error).message}`))
      return
    }
    const body = Readable.fromWeb(req.body as NodeReadableStream<Uint8Array>)
    let current: Readable | null = null
    let storing: Promise<{ stored: T; info: UploadInfo }> | null = null
    let settled = false
    const fail = (err: Error) => {
      if (settled) return
      settled = true
      body.unpipe(parser)
      parser.removeAllListeners('file')
      current?.destroy(err)
      let drained = 0
      const cap = drainLimit(maxBytes)
      body.on('data', (d: Buffer) => {
        drained += d.length
        if (drained > cap) body.destroy()
      })
      body.resume()
      // Whatever store was doing must have cleaned up before the caller answers.
      void (storing ?? Promise.resolve()).catch(() => undefined).then(() => reject(err))
    }
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || current !== null) {
        stream.resume()
        fail(
          new UploadError(
            'bad_request',
            current !== null
              ? 'Send one file per upload'
              : `Unexpected file field "${name}": send the file in the field \`file\``,
          ),
        )
        return
      }
      current = stream
      const upload: UploadInfo = { filename: info.filename ?? '', mimeType: info.mimeType }
      stream.on('limit', () =>
        fail(new UploadError('too_large', `Expected a file of at most ${maxBytes} bytes`)),
      )
      const started = store(stream, upload).then((stored) => ({ stored, info: upload }))
      storing = started
      // A failure of store itself (the disk) is the caller's to report, not a bad request.
      started.catch((e: unknown) => {
        if (!settled) {
          settled = true
          body.unpipe(parser)
          body.resume()
          reject(e instanceof Error ? e : new Error(String(e)))
        }
      })
    })
    parser.on('filesLimit', () => fail(new UploadError('bad_request', 'Send one file per upload')))
    parser.on('partsLimit', () => fail(new UploadError('bad_request', 'Too many parts')))
    parser.on('error', (e: Error) =>
      fail(new UploadError('bad_request', `Malformed multipart body: ${e.message}`)),
    )
    parser.on('close', () => {
      if (settled) return
      if (!storing) {
        fail(new UploadError('bad_request', 'Expected a field `file` with the file'))
        return
      }
      storing.then(
        (r) => {
          if (settled) return
          settled = true
          resolve(r)
        },
        () => undefined,
      )
    })
    body.on('error', (e) =>
      fail(new UploadError('bad_request', `Upload interrupted: ${e.message}`)),
    )
    body.pipe(parser)
  })

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
