import {
  isImageError,
  isValidImageId,
  isValidVersionName,
  type ImageErrorKind,
} from '@messenger/images'
import { Hono, type Context as HonoContext } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'
import type { AppEnv } from '../app'
import { authenticate } from '../context'
import type { Deps } from '../deps'
import { drainLimit, readUploadedFile, UploadError } from '../multipart'
import { uploadImage } from './service'
import { checkImageSignature } from './signing'

export type Code =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INTERNAL_SERVER_ERROR'

export const STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL_SERVER_ERROR: 500,
} as const satisfies Record<Code, ContentfulStatusCode>

export const IMAGE_ERROR_CODES = {
  not_an_image: 'BAD_REQUEST',
  corrupt: 'BAD_REQUEST',
  unsupported_format: 'UNSUPPORTED_MEDIA_TYPE',
  too_many_pixels: 'PAYLOAD_TOO_LARGE',
  too_many_bytes: 'PAYLOAD_TOO_LARGE',
  bad_crop: 'BAD_REQUEST',
} as const satisfies Record<ImageErrorKind, Code>

/** Errors as `{ error: { code, message } }`, with the codes tRPC uses for the same statuses. */
export const fail = (
  c: HonoContext<AppEnv>,
  code: Code,
  message: string,
  extra: { maxBytes?: number } = {},
) => c.json({ error: { code, message, ...extra } }, STATUS[code])

export const bearer = (header: string | undefined) =>
  /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? null

/**
 * Answers one WebP version behind a checked signed link: versions never change once written, so
 * `etag` names it; private caching for what is left of the link's life, and 304 on a match.
 */
export const serveSignedWebp = async (
  c: HonoContext<AppEnv>,
  o: {
    etag: string
    expiresAt: number
    now: Date
    missing: string
    read: () => Promise<Buffer | null>
  },
) => {
  c.header('ETag', o.etag)
  // Private: only this user may have it; the URL expires, so caching longer is pointless.
  c.header(
    'Cache-Control',
    `private, max-age=${Math.max(0, o.expiresAt - Math.floor(o.now.getTime() / 1000))}, immutable`,
  )
  c.header('X-Content-Type-Options', 'nosniff')
  c.header('Content-Security-Policy', "default-src 'none'")
  const inm = c.req.header('if-none-match')
  if (inm !== undefined && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === o.etag))
    return c.body(null, 304)
  const data = await o.read()
  if (!data) return fail(c, 'NOT_FOUND', o.missing)
  c.header('Content-Type', 'image/webp')
  c.header('Content-Length', String(data.length))
  return c.body(new Uint8Array(data), 200)
}

export const signedQuery = z.object({
  e: z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number),
  s: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
})

/** `POST /api/images` (upload) and `GET /api/images/<id>/<version>.webp` (signed files). */
export const imageRoutes = (deps: Deps) => {
  const app = new Hono<AppEnv>()

  app.post('/', async (c) => {
    const user = await authenticate(deps, bearer(c.req.header('authorization')))
    if (!user)
      return fail(c, 'UNAUTHORIZED', 'Sign in first: send Authorization: Bearer <accessToken>')
    const max = deps.config.maxUploadBytes
    const declared = Number(c.req.header('content-length') ?? NaN)
    // Only what could never fit is refused unread; a little over goes through the streaming limit,
    // which drains the body so that browsers see the 413.
    if (declared > drainLimit(max))
      return fail(
        c,
        'PAYLOAD_TOO_LARGE',
        `Expected a file of at most ${max} bytes but received ${declared}`,
      )
    try {
      const file = await readUploadedFile(c.req.raw, max)
      const image = await uploadImage(deps, user.id, file)
      return c.json({ image }, 201)
    } catch (e) {
      if (e instanceof UploadError)
        return fail(c, e.kind === 'too_large' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', e.message)
      if (isImageError(e)) return fail(c, IMAGE_ERROR_CODES[e.kind], e.message)
      deps.log.error({ err: e, requestId: c.get('requestId') }, 'image upload failed')
      return fail(
        c,
        'INTERNAL_SERVER_ERROR',
        `Internal server error (request ${c.get('requestId')})`,
      )
    }
  })

  app.get('/:id/:file{[a-z0-9]+\\.webp}', async (c) => {
    const id = c.req.param('id')
    const version = c.req.param('file').slice(0, -'.webp'.length)
    if (!isValidImageId(id) || !isValidVersionName(version))
      return fail(c, 'NOT_FOUND', 'No such image')
    const query = signedQuery.safeParse(c.req.query())
    if (!query.success)
      return fail(c, 'FORBIDDEN', 'This image link is not signed; ask the API for a fresh one')
    const now = new Date()
    const check = checkImageSignature(
      deps.config.jwtSecret,
      id,
      version,
      query.data.e,
      query.data.s,
      now,
    )
    if (check === 'forged') return fail(c, 'FORBIDDEN', 'This image link is not valid')
    if (check === 'expired')
      return fail(c, 'FORBIDDEN', 'This image link has expired; ask the API for a fresh one')

    return serveSignedWebp(c, {
      etag: `"${id}.${version}"`,
      expiresAt: query.data.e,
      now,
      missing: 'No such image',
      read: () => deps.images.read(id, version),
    })
  })

  return app
}
