import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import busboy from 'busboy'

export class UploadError extends Error {
  override readonly name = 'UploadError'
  constructor(
    readonly kind: 'bad_request' | 'too_large',
    message: string,
  ) {
    super(message)
  }
}

/**
 * After refusing an upload the rest of the body is read and dropped up to this many bytes, so the
 * client (a browser mid-upload) gets to read the 413 instead of a reset connection; past it, the
 * connection is cut.
 */
export const drainLimit = (maxBytes: number) => Math.max(16 * 1024 * 1024, 2 * maxBytes)

export interface UploadInfo {
  /** As the client named it (unsafe until cleaned: see safeFileName). */
  filename: string
  mimeType: string
}

export interface MultipartOptions {
  maxBytes: number
  /** What the client is told to send in the field `file`, in error messages. */
  noun: 'image' | 'file'
  /** Decode non-ASCII file and field names as UTF-8 (busboy's default is latin1). */
  utf8Names?: boolean
}

/**
 * Parses a multipart body with one file (field `file`) and up to 10 text fields of up to 1 KiB,
 * handing the file's stream to `store`, which must consume it. Past `maxBytes` the stream is
 * destroyed with a `too_large` UploadError (so `store` fails and cleans up) and the rest of the
 * body is drained, so a browser reads the 413 instead of a reset. Any other bad body is a
 * `bad_request` UploadError; a failure of `store` itself (the disk) is rethrown as is.
 */
export const parseMultipart = <T>(
  req: Request,
  options: MultipartOptions,
  store: (file: Readable, info: UploadInfo) => Promise<T>,
): Promise<{ stored: T; info: UploadInfo; fields: Record<string, string> }> =>
  new Promise((resolve, reject) => {
    const { maxBytes, noun } = options
    const contentType = req.headers.get('content-type') ?? ''
    if (!/^multipart\/form-data\s*;/i.test(contentType)) {
      reject(
        new UploadError('bad_request', 'Expected a multipart/form-data body with one field `file`'),
      )
      return
    }
    if (req.body === null) {
      reject(
        new UploadError('bad_request', `The request has no body: send the ${noun} in \`file\``),
      )
      return
    }
    let parser: busboy.Busboy
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: {
          files: 1,
          // busboy signals its limit once a file reaches it: one byte more tells a file of exactly
          // maxBytes, which "at most" allows, from a larger one.
          fileSize: maxBytes + 1,
          fields: 10,
          fieldSize: 1024,
          parts: 11,
        },
        ...(options.utf8Names ? { defParamCharset: 'utf8' } : {}),
      })
    } catch (e) {
      reject(new UploadError('bad_request', `Malformed multipart body: ${(e as Error).message}`))
      return
    }
    const body = Readable.fromWeb(req.body as NodeReadableStream<Uint8Array>)
    const fields: Record<string, string> = {}
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
              : `Unexpected file field "${name}": send the ${noun} in the field \`file\``,
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
    parser.on('field', (name, value) => {
      fields[name] = value
    })
    parser.on('filesLimit', () => fail(new UploadError('bad_request', 'Send one file per upload')))
    parser.on('partsLimit', () => fail(new UploadError('bad_request', 'Too many parts')))
    parser.on('error', (e: Error) =>
      fail(new UploadError('bad_request', `Malformed multipart body: ${e.message}`)),
    )
    parser.on('close', () => {
      if (settled) return
      if (!storing) {
        fail(new UploadError('bad_request', `Expected a field \`file\` with the ${noun}`))
        return
      }
      storing.then(
        (r) => {
          if (settled) return
          settled = true
          resolve({ ...r, fields })
        },
        () => undefined,
      )
    })
    body.on('error', (e) =>
      fail(new UploadError('bad_request', `Upload interrupted: ${e.message}`)),
    )
    body.pipe(parser)
  })

/** The whole stream in memory; it is read only up to the parser's limit, so this is bounded. */
const collect = (stream: Readable) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    stream.on('data', (d: Buffer) => chunks.push(d))
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
    stream.on('close', () => reject(new Error('The file stream closed before its end')))
  })

/** The image of a multipart body (field `file`) with the form's text fields, buffered. */
export const readUploadedForm = async (
  req: Request,
  maxBytes: number,
): Promise<{ file: Buffer; fields: Record<string, string> }> => {
  const { stored, fields } = await parseMultipart(req, { maxBytes, noun: 'image' }, collect)
  return { file: stored, fields }
}

/** As readUploadedForm, the file alone. */
export const readUploadedFile = async (req: Request, maxBytes: number): Promise<Buffer> =>
  (await readUploadedForm(req, maxBytes)).file
