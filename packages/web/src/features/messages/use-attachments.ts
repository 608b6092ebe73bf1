import type { Image } from '@messenger/shared'
import { MAX_IMAGES_PER_MESSAGE } from '@messenger/shared'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { Readable } from '../../lib/errors'
import { session } from '../../lib/trpc'
import { uploadImage, UploadError } from '../../lib/upload'

export interface Attachment {
  key: string
  name: string
  previewUrl: string
  progress: number
  image: Image | null
  error: Readable | null
}

/** What was picked but not attached, said once under the tray. */
export interface Refused {
  notImages: string[]
  overflow: number
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

/** Images picked, pasted or dropped; each starts uploading at once and reports its progress. */
export const useAttachments = () => {
  const [items, setItems] = useState<Attachment[]>([])
  const [refused, setRefused] = useState<Refused | null>(null)
  const controllers = useRef(new Map<string, AbortController>())

  const patch = (key: string, p: Partial<Attachment>) =>
    setItems((xs) => xs.map((x) => (x.key === key ? { ...x, ...p } : x)))

  const add = useCallback((files: Iterable<File>) => {
    const all = [...files]
    const images = all.filter((f) => f.type.startsWith('image/') || f.type === '')
    const notImages = all.filter((f) => !images.includes(f)).map((f) => f.name)
    setItems((xs) => {
      const room = Math.max(0, MAX_IMAGES_PER_MESSAGE - xs.length)
      const overflow = Math.max(0, images.length - room)
      setRefused(notImages.length > 0 || overflow > 0 ? { notImages, overflow } : null)
      const added = images.slice(0, room).map((file) => {
        const key = crypto.randomUUID()
        const ac = new AbortController()
        controllers.current.set(key, ac)
        void (async () => {
          try {
            const token = await session.getAccessToken()
            const image = await uploadImage(
              file,
              token ?? '',
              (progress) => patch(key, { progress }),
              ac.signal,
            )
            patch(key, { image, progress: 1 })
          } catch (err) {
            if (!ac.signal.aborted) patch(key, { error: uploadProblem(err, file.name || 'image') })
          } finally {
            controllers.current.delete(key)
          }
        })()
        return {
          key,
          name: file.name || 'image',
          previewUrl: URL.createObjectURL(file),
          progress: 0,
          image: null,
          error: null,
        }
      })
      return [...xs, ...added]
    })
  }, [])

  const remove = useCallback((key: string) => {
    controllers.current.get(key)?.abort()
    setItems((xs) => {
      const gone = xs.find((x) => x.key === key)
      if (gone) URL.revokeObjectURL(gone.previewUrl)
      return xs.filter((x) => x.key !== key)
    })
  }, [])

  /** Hands over the uploaded images and empties the tray. */
  const take = useCallback((): Image[] => {
    const done = items.flatMap((x) => (x.image ? [x.image] : []))
    for (const x of items) URL.revokeObjectURL(x.previewUrl)
    setItems([])
    setRefused(null)
    return done
  }, [items])

  useEffect(() => {
    const map = controllers.current
    return () => {
      for (const ac of map.values()) ac.abort()
    }
  }, [])

  const uploading = items.some((x) => !x.image && !x.error)
  const ready = items.filter((x) => x.image).length
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
