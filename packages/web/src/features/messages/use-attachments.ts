import type { FileAttachment, Image } from '@messenger/shared'
import { MAX_FILES_PER_MESSAGE, MAX_IMAGES_PER_MESSAGE } from '@messenger/shared'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { Readable } from '../../lib/errors'
import { formatBytes } from '../../lib/format-bytes'
import { useI18n } from '../../lib/i18n'
import { session } from '../../lib/trpc'
import { PIPELINE_IMAGE_TYPES, uploadFile, uploadImage, UploadError } from '../../lib/upload'

export interface Attachment {
  key: string
  /** Images go through the image pipeline; anything else is sent as a file. */
  kind: 'image' | 'file'
  name: string
  /** Object URL of an image, for its preview; empty for a file. */
  previewUrl: string
  progress: number
  image: Image | null
  file: FileAttachment | null
  error: Readable | null
}

/** What was picked but not attached, said once under the tray. */
export interface Refused {
  overflow: number
  filesOverflow: number
}

/** The server's answer to a rejected upload, as a sentence naming the file. */
export const uploadProblem = (err: unknown, name: string): Readable => {
  const status = err instanceof UploadError ? err.status : -1
  switch (status) {
    case 0:
      return { key: 'uploadNetwork', vars: { name } }
    case 400:
      return { key: 'uploadCorrupt', vars: { name } }
    case 413:
      return { key: 'uploadTooBig', vars: { name } }
    case 415:
      return { key: 'uploadUnsupported', vars: { name } }
    case 401:
      return { key: 'errSessionEnded' }
    default:
      return { key: 'errServer' }
  }
}

/** The same for a file: only its size or the network can be wrong. */
const fileProblem = (err: unknown, name: string, lang: string): Readable => {
  if (err instanceof UploadError && err.status === 413)
    return err.maxBytes === undefined
      ? { key: 'uploadTooBig', vars: { name } }
      : { key: 'fileTooBig', vars: { name, limit: formatBytes(err.maxBytes, lang) } }
  if (err instanceof UploadError && err.status === 0)
    return { key: 'uploadNetwork', vars: { name } }
  if (err instanceof UploadError && err.status === 401) return { key: 'errSessionEnded' }
  return { key: 'fileUploadFailed', vars: { name } }
}

const isPipelineImage = (f: File) => PIPELINE_IMAGE_TYPES.includes(f.type)

/** Files picked, pasted or dropped; each starts uploading at once and reports its progress. */
export const useAttachments = () => {
  const { lang } = useI18n()
  const [items, setItems] = useState<Attachment[]>([])
  const [refused, setRefused] = useState<Refused | null>(null)
  const controllers = useRef(new Map<string, AbortController>())

  const patch = (key: string, p: Partial<Attachment>) =>
    setItems((xs) => xs.map((x) => (x.key === key ? { ...x, ...p } : x)))

  const add = useCallback(
    (files: Iterable<File>) => {
      const all = [...files]
      const images = all.filter(isPipelineImage)
      const others = all.filter((f) => !isPipelineImage(f))
      setItems((xs) => {
        const roomImages = Math.max(
          0,
          MAX_IMAGES_PER_MESSAGE - xs.filter((x) => x.kind === 'image').length,
        )
        const roomFiles = Math.max(
          0,
          MAX_FILES_PER_MESSAGE - xs.filter((x) => x.kind === 'file').length,
        )
        const overflow = Math.max(0, images.length - roomImages)
        const filesOverflow = Math.max(0, others.length - roomFiles)
        setRefused(overflow > 0 || filesOverflow > 0 ? { overflow, filesOverflow } : null)
        const start = (file: File, kind: 'image' | 'file'): Attachment => {
          const key = crypto.randomUUID()
          const ac = new AbortController()
          controllers.current.set(key, ac)
          const name = file.name || (kind === 'image' ? 'image' : 'file')
          void (async () => {
            try {
              const token = (await session.getAccessToken()) ?? ''
              const onProgress = (progress: number) => patch(key, { progress })
              if (kind === 'image') {
                const image = await uploadImage(file, token, onProgress, ac.signal)
                patch(key, { image, progress: 1 })
              } else {
                const uploaded = await uploadFile(file, token, onProgress, ac.signal)
                patch(key, { file: uploaded, progress: 1 })
              }
            } catch (err) {
              if (!ac.signal.aborted)
                patch(key, {
                  error: kind === 'image' ? uploadProblem(err, name) : fileProblem(err, name, lang),
                })
            } finally {
              controllers.current.delete(key)
            }
          })()
          return {
            key,
            kind,
            name,
            previewUrl: kind === 'image' ? URL.createObjectURL(file) : '',
            progress: 0,
            image: null,
            file: null,
            error: null,
          }
        }
        return [
          ...xs,
          ...images.slice(0, roomImages).map((f) => start(f, 'image')),
          ...others.slice(0, roomFiles).map((f) => start(f, 'file')),
        ]
      })
    },
    [lang],
  )

  const remove = useCallback((key: string) => {
    controllers.current.get(key)?.abort()
    setItems((xs) => {
      const gone = xs.find((x) => x.key === key)
      if (gone?.previewUrl) URL.revokeObjectURL(gone.previewUrl)
      return xs.filter((x) => x.key !== key)
    })
  }, [])

  /** Hands over the uploaded images and files and empties the tray. */
  const take = useCallback((): { images: Image[]; files: FileAttachment[] } => {
    const images = items.flatMap((x) => (x.image ? [x.image] : []))
    const files = items.flatMap((x) => (x.file ? [x.file] : []))
    for (const x of items) if (x.previewUrl) URL.revokeObjectURL(x.previewUrl)
    setItems([])
    setRefused(null)
    return { images, files }
  }, [items])

  useEffect(() => {
    const map = controllers.current
    return () => {
      for (const ac of map.values()) ac.abort()
    }
  }, [])

  const uploading = items.some((x) => !x.image && !x.file && !x.error)
  const ready = items.filter((x) => x.image ?? x.file).length
  return {
    items,
    add,
    remove,
    take,
    uploading,
    ready,
    refused,
    clearRefused: () => setRefused(null),
  }
}
