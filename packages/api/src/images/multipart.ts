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

/**
 * Reads the one file of a multipart body (field `file`), stopping as soon as it passes `maxBytes`:
 * at most that much is ever buffered, whatever the client sends or declares.
 */
export const readUploadedFile = async (req: Request, maxBytes: number): Promise<Buffer> =>
  (await readUploadedForm(req, maxBytes)).file

/** As readUploadedFile, with the form's text fields too (at most 10, of up to 1 KiB each). */
export const readUploadedForm = (
  req: Request,
  maxBytes: number,
): Promise<{ file: Buffer; fields: Record<string, string> }> =>
  new Promise((resolve, reject) => {
    const contentType = req.headers.get('content-type') ?? ''
    if (!/^multipart\/form-data\s*;/i.test(contentType)) {
      reject(
        new UploadError('bad_request', 'Expected a multipart/form-data body with one field `file`'),
      )
      return
    }
    if (req.body === null) {
      reject(new UploadError('bad_request', 'The request has no body: send the image in `file`'))
      return
    }
    let parser: busboy.Busboy
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: { files: 1, fileSize: maxBytes, fields: 10, fieldSize: 1024, parts: 11 },
      })
    } catch (e) {
      reject(new UploadError('bad_request', `Malformed multipart body: ${(e as Error).message}`))
      return
    }
    const body = Readable.fromWeb(req.body as NodeReadableStream<Uint8Array>)
    const chunks: Buffer[] = []
    const fields: Record<string, string> = {}
    let found = false
    let settled = false
    const fail = (err: Error) => {
      if (settled) return
      settled = true
      chunks.length = 0
      body.unpipe(parser)
      parser.removeAllListeners('file')
      let drained = 0
      const cap = drainLimit(maxBytes)
      body.on('data', (d: Buffer) => {
        drained += d.length
        if (drained > cap) body.destroy()
      })
      body.resume()
      reject(err)
    }
    parser.on('file', (name, stream) => {
      if (name !== 'file' || found) {
        stream.resume()
        fail(
          new UploadError(
            'bad_request',
            found
              ? 'Send one file per upload'
              : `Unexpected file field "${name}": send the image in the field \`file\``,
          ),
        )
        return
      }
      found = true
      stream.on('data', (d: Buffer) => {
        if (!settled) chunks.push(d)
      })
      stream.on('limit', () =>
        fail(new UploadError('too_large', `Expected a file of at most ${maxBytes} bytes`)),
      )
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
      if (!found) {
        fail(new UploadError('bad_request', 'Expected a field `file` with the image'))
        return
      }
      settled = true
      resolve({ file: Buffer.concat(chunks), fields })
    })
    body.on('error', (e) =>
      fail(new UploadError('bad_request', `Upload interrupted: ${e.message}`)),
    )
    body.pipe(parser)
  })
