import { z } from 'zod'
import { id, isoDate } from './common'
import { fileAttachment, MAX_FILES_PER_MESSAGE } from './files'
import { image, MAX_IMAGES_PER_MESSAGE } from './images'
import { reactionSummary } from './reactions'
import { isDay } from './search-query'
import { publicUser } from './users'

export const MAX_TEXT_LENGTH = 4000

/** What a reply shows of the message it answers: enough for a quote that jumps to it. */
export const replyQuote = z.object({
  id,
  sender: publicUser,
  /** The start of its text (up to 200 characters); null for a deleted or image-only message. */
  text: z.string().nullable(),
  /** Its first image, for a thumbnail. */
  image: image.nullable(),
  deleted: z.boolean(),
})
export type ReplyQuote = z.infer<typeof replyQuote>
export const REPLY_QUOTE_LENGTH = 200

/** What a system message tells: the group's story, told by the person who did it (its sender). */
export const SYSTEM_EVENT_KINDS = ['created', 'added', 'removed', 'renamed', 'left'] as const
export type SystemEventKind = (typeof SYSTEM_EVENT_KINDS)[number]
/** A system message names at most this many people ("Ann added Bob, Carl and 8 others"). */
export const MAX_SYSTEM_EVENT_USERS = 10

/**
 * `created` (title: the group's first title), `added` (users: who joined), `removed` (users: who
 * was taken out), `renamed` (title: the new one), `left` (the sender left). Clients write the
 * sentence in their own language; `userCount` is how many people it is about in all (`users`
 * holds the first MAX_SYSTEM_EVENT_USERS of them).
 */
export const systemEvent = z.object({
  kind: z.enum(SYSTEM_EVENT_KINDS),
  title: z.string().nullable(),
  users: z.array(publicUser),
  userCount: z.number().int(),
})
export type SystemEvent = z.infer<typeof systemEvent>

export const message = z.object({
  id,
  chatId: id,
  clientId: id,
  sender: publicUser,
  text: z.string().nullable(),
  images: z.array(image),
  /** Attached files (beyond API.md); absent or empty when there are none, empty once deleted. */
  files: z.array(fileAttachment).optional(),
  createdAt: isoDate,
  editedAt: isoDate.nullable(),
  deleted: z.boolean(),
  /**
   * Set by `messages.list` (oldest emoji first); absent where a message travels alone (events,
   * search): `message.reaction` events carry the changes.
   */
  reactions: z.array(reactionSummary).optional(),
  /** The message this one answers (beyond API.md); null or absent when it answers none. */
  replyTo: replyQuote.nullable().optional(),
  /**
   * A forward (beyond API.md): who wrote the original (through forwards of forwards, the first
   * author) and its id. Null or absent for a message of the sender's own.
   */
  forwardedFrom: z.object({ messageId: id, sender: publicUser }).nullable().optional(),
  /**
   * Set on a system message (beyond API.md): the sender is who did it, `text` is null and there
   * are no images. Never searchable, editable, deletable, reactable or answerable, never unread.
   */
  system: systemEvent.nullable().optional(),
})
export type Message = z.infer<typeof message>

const messageText = z
  .string()
  .trim()
  .min(1, 'text must not be empty')
  .max(MAX_TEXT_LENGTH, `text must be at most ${MAX_TEXT_LENGTH} characters`)

export const sendMessageInput = z
  .object({
    chatId: id,
    clientId: id,
    text: messageText.optional(),
    imageIds: z
      .array(id)
      .max(MAX_IMAGES_PER_MESSAGE, `at most ${MAX_IMAGES_PER_MESSAGE} images`)
      .optional(),
    /** Files uploaded with POST /api/files, the sender's own. */
    fileIds: z
      .array(id)
      .max(MAX_FILES_PER_MESSAGE, `at most ${MAX_FILES_PER_MESSAGE} files`)
      .optional(),
    /** A message of the same chat this one answers. */
    replyToId: id.optional(),
  })
  .refine(
    (v) => v.text !== undefined || (v.imageIds?.length ?? 0) > 0 || (v.fileIds?.length ?? 0) > 0,
    {
      message: 'a message needs text, an image or a file',
      path: ['text'],
    },
  )
export type SendMessageInput = z.infer<typeof sendMessageInput>

export const listMessagesInput = z.object({
  chatId: id,
  before: id.optional(),
  limit: z.number().int().min(1).max(100).default(50),
})

export const editMessageInput = z.object({ messageId: id, text: messageText })
export const deleteMessageInput = z.object({ messageId: id })
/** Delete for me: hides the message for the caller only. */
export const hideMessageInput = z.object({ messageId: id })
/** Forwards `messageId` (text and images) to `chatId`, as the caller's message there. */
export const forwardMessageInput = z.object({ messageId: id, chatId: id, clientId: id })
export type ForwardMessageInput = z.infer<typeof forwardMessageInput>

const day = z.string().refine(isDay, 'must be a day written YYYY-MM-DD')

export const searchMessagesInput = z
  .object({
    /** Words and typed filters (`from:ada in:team has:image before:… after:…`). */
    query: z.string().trim().max(200),
    chatId: id.optional(),
    limit: z.number().int().min(1).max(50).default(20),
    /** Sender's login; overrides a typed `from:`. */
    from: z.string().trim().min(1).max(32).optional(),
    hasImage: z.boolean().optional(),
    /** Only messages sent before this day begins (UTC). */
    before: day.optional(),
    /** Only messages sent on this day (UTC) or later. */
    after: day.optional(),
    /** `nextCursor` of the previous page. */
    cursor: z.string().max(200).optional(),
  })
  .refine(
    (v) =>
      v.query.length > 0 ||
      v.from !== undefined ||
      v.hasImage === true ||
      v.before !== undefined ||
      v.after !== undefined,
    { message: 'query must not be empty', path: ['query'] },
  )
export type SearchMessagesInput = z.infer<typeof searchMessagesInput>

export const searchHit = z.object({ message, highlight: z.string() })

export const searchResult = z.object({
  items: z.array(searchHit),
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: z.string().nullable(),
})

export const messagePage = z.object({ items: z.array(message), nextCursor: id.nullable() })
