import { createHmac, timingSafeEqual } from 'node:crypto'

/** A URL stays valid at least this long after it is handed out... */
export const IMAGE_URL_TTL_SECONDS = 60 * 60
/**
 * ...and its expiry is rounded up to this bucket, so every answer within one bucket hands out the
 * same URL and the browser's cache keeps working across messages.list calls.
 */
export const IMAGE_URL_BUCKET_SECONDS = 15 * 60

const SIG_BYTES = 16

/** A key for image URLs only, derived from the JWT secret so a token signature never fits here. */
const urlKey = (secret: string) =>
  createHmac('sha256', secret).update('messenger/image-url/v1').digest()

const mac = (secret: string, imageId: string, version: string, expires: number) =>
  createHmac('sha256', urlKey(secret))
    .update(`${imageId}/${version}/${expires}`)
    .digest()
    .subarray(0, SIG_BYTES)

/** The expiry (unix seconds) of URLs handed out at `now`: the same for the whole bucket. */
export const urlExpiry = (now: Date) => {
  const bucketStart =
    Math.floor(now.getTime() / 1000 / IMAGE_URL_BUCKET_SECONDS) * IMAGE_URL_BUCKET_SECONDS
  return bucketStart + IMAGE_URL_BUCKET_SECONDS + IMAGE_URL_TTL_SECONDS
}

/**
 * `/api/images/<id>/<version>.webp?e=<expiry>&s=<signature>`: the signature binds the image, the
 * version and the expiry, so it works as an `<img src>` capability without headers.
 */
export const signImagePath = (secret: string, imageId: string, version: string, expires: number) =>
  `/api/images/${imageId}/${version}.webp?e=${expires}&s=${mac(secret, imageId, version, expires).toString('base64url')}`

export type SignatureCheck = 'valid' | 'forged' | 'expired'

export const checkImageSignature = (
  secret: string,
  imageId: string,
  version: string,
  expires: number,
  signature: string,
  now: Date,
): SignatureCheck => {
  const given = Buffer.from(signature, 'base64url')
  const expected = mac(secret, imageId, version, expires)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged'
  return expires * 1000 <= now.getTime() ? 'expired' : 'valid'
}

/**
 * URLs for another kind of stored thing (files, avatars), signed as image URLs are but with a key
 * of their own, so a signature for one kind never opens another.
 */
export const createUrlSigner = (secret: string, kind: 'file' | 'avatar') => {
  const key = createHmac('sha256', secret).update(`messenger/${kind}-url/v1`).digest()
  const macOf = (id: string, version: string, expires: number) =>
    createHmac('sha256', key).update(`${id}/${version}/${expires}`).digest().subarray(0, SIG_BYTES)
  return {
    /** `e=<expiry>&s=<signature>` for a URL naming `id` and `version`. */
    query: (id: string, version: string, expires: number) =>
      `e=${expires}&s=${macOf(id, version, expires).toString('base64url')}`,
    check: (
      id: string,
      version: string,
      expires: number,
      signature: string,
      now: Date,
    ): SignatureCheck => {
      const given = Buffer.from(signature, 'base64url')
      const expected = macOf(id, version, expires)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged'
      return expires * 1000 <= now.getTime() ? 'expired' : 'valid'
    },
  }
}
