/** Why an upload was refused; the API maps each kind to one HTTP status. */
export type ImageErrorKind =
  /** Not an image at all (text, zero bytes, unknown bytes). */
  | 'not_an_image'
  /** An image we recognise but its data is truncated or corrupt. */
  | 'corrupt'
  /** A real image format we do not accept (SVG, BMP, HEIC, PDF...). */
  | 'unsupported_format'
  /** More pixels than the limit; judged from the header, before decoding. */
  | 'too_many_pixels'
  /** More bytes than the limit. */
  | 'too_many_bytes'
  /** An avatar's crop square is not wholly inside the image. */
  | 'bad_crop'

export class ImageError extends Error {
  override readonly name = 'ImageError'
  constructor(
    readonly kind: ImageErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export const isImageError = (e: unknown): e is ImageError => e instanceof ImageError
