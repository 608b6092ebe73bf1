import { image, type Image } from '@messenger/shared'
import { z } from 'zod'

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}

const uploadAnswer = z.object({ image })
const errorAnswer = z
  .object({ error: z.union([z.string(), z.object({ message: z.string() })]).optional() })
  .loose()

/**
 * POST /api/images with progress (fetch cannot report upload progress, XMLHttpRequest can).
 * `onProgress` gets 0..1.
 */
export const uploadImage = (
  file: File,
  token: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Image> =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/api/images')
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
        const parsed = uploadAnswer.safeParse(body)
        if (parsed.success) resolve(parsed.data.image)
        else reject(new UploadError('Unexpected answer from the server', xhr.status))
        return
      }
      const err = errorAnswer.safeParse(body)
      const e = err.success ? err.data.error : undefined
      const message = typeof e === 'string' ? e : (e?.message ?? `HTTP ${xhr.status}`)
      reject(new UploadError(message, xhr.status))
    }
    xhr.onerror = () => reject(new UploadError('Network error', 0))
    xhr.onabort = () => reject(new UploadError('Cancelled', 0))
    signal?.addEventListener('abort', () => xhr.abort())
    const form = new FormData()
    form.append('file', file)
    xhr.send(form)
  })
