import type { Image } from '@messenger/shared'
import { MAX_IMAGES_PER_MESSAGE } from '@messenger/shared'
import { useCallback, useEffect, useRef, useState } from 'react'
import { session } from '../../lib/trpc'
import { uploadImage } from '../../lib/upload'

export interface Attachment {
  key: string
  name: string
  previewUrl: string
  progress: number
  image: Image | null
  error: string | null
}

/** Images picked, pasted or dropped; each starts uploading at once and reports its progress. */
export const useAttachments = () => {
  const [items, setItems] = useState<Attachment[]>([])
  const controllers = useRef(new Map<string, AbortController>())

  const patch = (key: string, p: Partial<Attachment>) =>
    setItems((xs) => xs.map((x) => (x.key === key ? { ...x, ...p } : x)))

  const add = useCallback((files: Iterable<File>) => {
    const images = [...files].filter((f) => f.type.startsWith('image/') || f.type === '')
    setItems((xs) => {
      const room = MAX_IMAGES_PER_MESSAGE - xs.length
      const added = images.slice(0, Math.max(0, room)).map((file) => {
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
            if (!ac.signal.aborted) {
              patch(key, { error: err instanceof Error ? err.message : String(err) })
            }
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
  return { items, add, remove, take, uploading, ready }
}
