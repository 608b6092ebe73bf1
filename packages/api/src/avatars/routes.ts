import { isImageError, isValidImageId } from '@messenger/images'
import { AVATAR_SIZES } from '@messenger/shared'
import { TRPCError } from '@trpc/server'
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app'
import { authenticate } from '../context'
import type { Deps } from '../deps'
import { drainLimit, readUploadedForm, UploadError } from '../multipart'
import {
  bearer,
  fail,
  IMAGE_ERROR_CODES,
  serveSignedWebp,
  signedQuery,
  type Code,
} from '../images/routes'
import { assertGroupOwner, uploadAvatar, type AvatarSubject } from './service'
import { avatarSigner } from './signing'

const pixel = (field: string) =>
  z
    .string({ error: `${field}: expected a whole number of pixels` })
    .regex(/^\d{1,6}$/, `${field}: expected a whole number of pixels`)
    .transform(Number)

const cropFields = z.object({
  left: pixel('left'),
  top: pixel('top'),
  size: pixel('size').refine((n) => n >= 1, 'size: the square must be at least 1 pixel'),
  chatId: z.uuid({ error: 'chatId: must be an id (a UUID)' }).optional(),
})

const TRPC_CODES = ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST'] as const
const isRouteCode = (code: string): code is Code & (typeof TRPC_CODES)[number] =>
  (TRPC_CODES as readonly string[]).includes(code)

/**
 * `POST /api/avatars`: multipart `file` with the square `left`, `top`, `size` (pixels of the image
 * as shown, after EXIF orientation) and, for a group's photo, `chatId`; answers `201 { avatar }`.
 * `GET /api/avatars/<id>/<size>.webp?e=&s=`: signed, as image files.
 */
export const avatarRoutes = (deps: Deps) => {
  const app = new Hono<AppEnv>()
  const signer = avatarSigner(deps.config.jwtSecret)

  app.post('/', async (c) => {
    const user = await authenticate(deps, bearer(c.req.header('authorization')))
    if (!user)
      return fail(c, 'UNAUTHORIZED', 'Sign in first: send Authorization: Bearer <accessToken>')
    const max = deps.config.maxUploadBytes
    const declared = Number(c.req.header('content-length') ?? NaN)
    if (declared > drainLimit(max))
      return fail(
        c,
        'PAYLOAD_TOO_LARGE',
        `Expected a file of at most ${max} bytes but received ${declared}`,
        { maxBytes: max },
      )
    try {
      const { file, fields } = await readUploadedForm(c.req.raw, max)
      const crop = cropFields.safeParse(fields)
      if (!crop.success)
        return fail(c, 'BAD_REQUEST', crop.error.issues.map((i) => i.message).join('; '))
      const { chatId, ...square } = crop.data
      let subject: AvatarSubject = { userId: user.id }
      if (chatId !== undefined) {
        await assertGroupOwner(deps, chatId, user.id)
        subject = { chatId, ownerId: user.id }
      }
      const avatar = await uploadAvatar(deps, subject, file, square)
      return c.json({ avatar }, 201)
    } catch (e) {
      if (e instanceof UploadError)
        return e.kind === 'too_large'
          ? fail(c, 'PAYLOAD_TOO_LARGE', e.message, { maxBytes: max })
          : fail(c, 'BAD_REQUEST', e.message)
      if (isImageError(e)) return fail(c, IMAGE_ERROR_CODES[e.kind], e.message)
      if (e instanceof TRPCError && isRouteCode(e.code)) return fail(c, e.code, e.message)
      deps.log.error({ err: e, requestId: c.get('requestId') }, 'avatar upload failed')
      return fail(
        c,
        'INTERNAL_SERVER_ERROR',
        `Internal server error (request ${c.get('requestId')})`,
      )
    }
  })

  app.get('/:id/:file{[0-9]+\\.webp}', async (c) => {
    const id = c.req.param('id')
    const size = c.req.param('file').slice(0, -'.webp'.length)
    if (!isValidImageId(id) || !(AVATAR_SIZES as readonly number[]).includes(Number(size)))
      return fail(c, 'NOT_FOUND', 'No such avatar')
    const query = signedQuery.safeParse(c.req.query())
    if (!query.success)
      return fail(c, 'FORBIDDEN', 'This avatar link is not signed; ask the API for a fresh one')
    const now = new Date()
    const check = signer.check(id, size, query.data.e, query.data.s, now)
    if (check === 'forged') return fail(c, 'FORBIDDEN', 'This avatar link is not valid')
    if (check === 'expired')
      return fail(c, 'FORBIDDEN', 'This avatar link has expired; ask the API for a fresh one')
    return serveSignedWebp(c, {
      etag: `"${id}.${size}"`,
      expiresAt: query.data.e,
      now,
      missing: 'No such avatar (it may have been replaced)',
      read: () => deps.avatars.read(id, size),
    })
  })

  return app
}
