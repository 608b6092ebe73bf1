import {
  avatar,
  fileAttachment,
  image,
  type Avatar,
  type FileAttachment,
  type Image,
} from '@messenger/shared'
import { z } from 'zod'

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** On a 413: the server's limit in bytes, to say in the reader's language. */
    readonly maxBytes?: number,
  ) {
    super(message)
  }
}

const errorAnswer = z
  .object({
    error: z
      .union([z.string(), z.object({ message: z.string(), maxBytes: z.number().optional() })])
      .optional(),
  })
  .loose()

/**
 * POSTs a form with progress (fetch cannot report upload progress, XMLHttpRequest can) and
 * parses the 200/201 answer with `answer`. `onProgress` gets 0..1.
 */
const postForm = <T>(
  url: string,
  form: FormData,
  token: string,
  answer: z.ZodType<T>,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<T> =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    xhr.setRequestHeader('Authorization', `Bearer ${token}`)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total)
    }
    xhr.onload = () => {
      let body: unknown
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        body = null
      }
      if (xhr.status === 201 || xhr.status === 200) {
        const parsed = answer.safeParse(body)
        if (parsed.success) resolve(parsed.data)
        else reject(new UploadError('Unexpected answer from the server', xhr.status))
        return
      }
      const err = errorAnswer.safeParse(body)
      const e = err.success ? err.data.error : undefined
      const message = typeof e === 'string' ? e : (e?.message ?? `HTTP ${xhr.status}`)
      reject(new UploadError(message, xhr.status, typeof e === 'object' ? e.maxBytes : undefined))
    }
    xhr.onerror = () => reject(new UploadError('Network error', 0))
    xhr.onabort = () => reject(new UploadError('Cancelled', 0))
    signal?.addEventListener('abort', () => xhr.abort())
    xhr.send(form)
  })

const withFile = (file: File, fields: Record<string, string> = {}) => {
  const form = new FormData()
  // Fields first: the server reads them before the file's bytes.
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  form.append('file', file)
  return form
}

const imageAnswer = z.object({ image }).transform((a) => a.image)
const fileAnswer = z.object({ file: fileAttachment }).transform((a) => a.file)
const avatarAnswer = z.object({ avatar }).transform((a) => a.avatar)

/** POST /api/images: an image for a message. */
export const uploadImage = (
  file: File,
  token: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Image> => postForm('/api/images', withFile(file), token, imageAnswer, onProgress, signal)

/** POST /api/files: a file of whatever kind for a message, up to the server's MAX_FILE_BYTES. */
export const uploadFile = (
  file: File,
  token: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<FileAttachment> =>
  postForm('/api/files', withFile(file), token, fileAnswer, onProgress, signal)

/** POST /api/avatars: a square of `file` (in its own pixels) as the profile or a group's photo. */
export const uploadAvatar = (
  file: File,
  crop: { left: number; top: number; size: number },
  token: string,
  chatId?: string,
): Promise<Avatar> =>
  postForm(
    '/api/avatars',
    withFile(file, {
      left: String(crop.left),
      top: String(crop.top),
      size: String(crop.size),
      ...(chatId ? { chatId } : {}),
    }),
    token,
    avatarAnswer,
    () => undefined,
  )

/** Types the image pipeline takes; anything else (SVG, HEIC, BMP…) is sent as a file. */
export const PIPELINE_IMAGE_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/avif',
  'image/tiff',
]
