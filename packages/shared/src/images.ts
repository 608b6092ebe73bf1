import { z } from 'zod'
import { id } from './common'

export const imageVersion = z.object({ url: z.string(), width: z.number(), height: z.number() })

export const image = z.object({
  id,
  width: z.number(),
  height: z.number(),
  placeholder: z.string().nullable(),
  full: imageVersion,
  thumbnails: z.array(imageVersion),
})
export type Image = z.infer<typeof image>

export const MAX_IMAGES_PER_MESSAGE = 10
