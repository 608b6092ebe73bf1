import { findFilesByIds } from '@messenger/db'
import { Hono } from 'hono'
import { Readable } from 'node:stream'
import type { AppEnv } from '../app'
import { authenticate } from '../context'
import type { Deps } from '../deps'
import { bearer, fail, signedQuery } from '../images/routes'
import { drainLimit, UploadError } from '../multipart'
import { createUrlSigner } from '../images/signing'
import { uploadFile } from './service'
import { contentDisposition } from './upload'

const ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`

/** `POST /api/files` (upload any file) and `GET /api/files/<id>` (signed, always a download). */
export const fileRoutes = (deps: Deps) => {
  const app = new Hono<AppEnv>()
  const signer = createUrlSigner(deps.config.jwtSecret, 'file')

  app.post('/', async (c) => {
    const user = await authenticate(deps, bearer(c.req.header('authorization')))
    if (!user)
      return fail(c, 'UNAUTHORIZED', 'Sign in first: send Authorization: Bearer <accessToken>')
    const max = deps.config.maxFileBytes
    const tooLarge = (received?: number) =>
      fail(
        c,
        'PAYLOAD_TOO_LARGE',
        `Expected a file of at most ${max} bytes (${mib(max)}, MAX_FILE_BYTES)${received === undefined ? '' : ` but received ${received}`}`,
        { maxBytes: max },
      )
    const declared = Number(c.req.header('content-length') ?? NaN)
    // What could never fit is refused unread; a little over meets the streaming limit.
    if (declared > drainLimit(max)) return tooLarge(declared)
    try {
      const file = await uploadFile(deps, user.id, c.req.raw)
      return c.json({ file }, 201)
    } catch (e) {
      if (e instanceof UploadError)
        return e.kind === 'too_large' ? tooLarge() : fail(c, 'BAD_REQUEST', e.message)
      deps.log.error({ err: e, requestId: c.get('requestId') }, 'file upload failed')
      return fail(
        c,
        'INTERNAL_SERVER_ERROR',
        `Internal server error (request ${c.get('requestId')})`,
      )
    }
  })

  app.get('/:id', async (c) => {
    const id = c.req.param('id')
    if (!ID_RE.test(id)) return fail(c, 'NOT_FOUND', 'No such file')
    const query = signedQuery.safeParse(c.req.query())
    if (!query.success)
      return fail(c, 'FORBIDDEN', 'This file link is not signed; ask the API for a fresh one')
    const check = signer.check(id, 'file', query.data.e, query.data.s, new Date())
    if (check === 'forged') return fail(c, 'FORBIDDEN', 'This file link is not valid')
    if (check === 'expired')
      return fail(c, 'FORBIDDEN', 'This file link has expired; ask the API for a fresh one')
    const [row] = await findFilesByIds(deps.db, [id])
    const opened = row ? await deps.files.open(id) : null
    if (!row || !opened) return fail(c, 'NOT_FOUND', 'No such file (it may have been deleted)')
    // Never rendered by the browser: a download, not sniffed, and sandboxed if opened anyway.
    c.header('Content-Type', row.content_type)
    c.header('Content-Length', String(opened.size))
    c.header('Content-Disposition', contentDisposition(row.name))
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Content-Security-Policy', "default-src 'none'; sandbox")
    c.header('Cache-Control', 'private, no-transform')
    return c.body(Readable.toWeb(opened.stream) as ReadableStream<Uint8Array>, 200)
  })

  return app
}
