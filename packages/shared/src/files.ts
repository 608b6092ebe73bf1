import { z } from 'zod'
import { id } from './common'

export const MAX_FILES_PER_MESSAGE = 10
/** The longest file name kept, in characters; longer names keep their start and extension. */
export const MAX_FILE_NAME_LENGTH = 255

/**
 * A file attached to a message (beyond API.md). `url` is signed like image URLs and always
 * downloads (`Content-Disposition: attachment`); `contentType` is what the uploader's browser said,
 * for display only.
 */
export const fileAttachment = z.object({
  id,
  name: z.string(),
  size: z.number().int(),
  contentType: z.string(),
  url: z.string(),
})
export type FileAttachment = z.infer<typeof fileAttachment>

/** The body of a refused upload: `maxBytes` lets a client say the limit in its own language. */
export const uploadError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    maxBytes: z.number().int().optional(),
  }),
})
