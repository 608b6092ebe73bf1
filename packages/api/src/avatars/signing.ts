import { AVATAR_SIZES, type Avatar } from '@messenger/shared'
import { createUrlSigner, urlExpiry } from '../images/signing'

const signers = new Map<string, ReturnType<typeof createUrlSigner>>()

/** The signer for avatar URLs, made once per secret (its key is an HMAC of the secret). */
export const avatarSigner = (secret: string) => {
  let s = signers.get(secret)
  if (!s) signers.set(secret, (s = createUrlSigner(secret, 'avatar')))
  return s
}

/**
 * An avatar with signed URLs for every size: `/api/avatars/<id>/<size>.webp?e=…&s=…`. URLs of one
 * 15-minute window are identical (as image URLs), so browsers cache them across answers.
 */
export const toAvatar = (secret: string, avatarId: string, now = new Date()): Avatar => {
  const expires = urlExpiry(now)
  const signer = avatarSigner(secret)
  return {
    id: avatarId,
    sizes: AVATAR_SIZES.map((size) => ({
      size,
      url: `/api/avatars/${avatarId}/${size}.webp?${signer.query(avatarId, String(size), expires)}`,
    })),
  }
}
