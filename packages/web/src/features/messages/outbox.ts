import type { FileAttachment, Image, Message, PublicUser, ReplyQuote } from '@messenger/shared'

export interface OutgoingInput {
  chatId: string
  clientId: string
  text?: string
  imageIds?: string[]
  fileIds?: string[]
  replyToId?: string
}

/** A message on screen before the server has it. */
export interface PendingMessage {
  input: OutgoingInput
  /** What the bubble shows meanwhile: same shape as a real message. */
  preview: Message
  status: 'sending' | 'failed'
  error: unknown
}

export interface OutboxDeps {
  send: (input: OutgoingInput) => Promise<Message>
  /** Puts the server's message into the history (replacing the pending one by clientId). */
  onSent: (message: Message) => void
  newId?: () => string
  now?: () => Date
}

/**
 * Optimistic sending. Each message gets a `clientId` once; a retry sends the same `clientId`, and
 * the server returns the already stored message instead of storing it twice.
 */
export class Outbox {
  private items: PendingMessage[] = []
  private readonly listeners = new Set<() => void>()
  private readonly newId: () => string
  private readonly now: () => Date

  constructor(private readonly deps: OutboxDeps) {
    this.newId = deps.newId ?? (() => crypto.randomUUID())
    this.now = deps.now ?? (() => new Date())
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** A stable array (new only on change), as useSyncExternalStore needs. */
  getSnapshot = () => this.items

  private set(items: PendingMessage[]) {
    this.items = items
    for (const l of this.listeners) l()
  }

  private update(clientId: string, patch: Partial<PendingMessage>) {
    this.set(this.items.map((p) => (p.input.clientId === clientId ? { ...p, ...patch } : p)))
  }

  send(
    me: PublicUser,
    chatId: string,
    content: { text?: string; images?: Image[]; files?: FileAttachment[]; replyTo?: ReplyQuote },
  ): Promise<Message | null> {
    const clientId = this.newId()
    const images = content.images ?? []
    const files = content.files ?? []
    const input: OutgoingInput = {
      chatId,
      clientId,
      ...(content.text ? { text: content.text } : {}),
      ...(images.length > 0 ? { imageIds: images.map((i) => i.id) } : {}),
      ...(files.length > 0 ? { fileIds: files.map((f) => f.id) } : {}),
      ...(content.replyTo ? { replyToId: content.replyTo.id } : {}),
    }
    const preview: Message = {
      id: `pending-${clientId}`,
      chatId,
      clientId,
      sender: me,
      text: content.text ?? null,
      images,
      files,
      createdAt: this.now().toISOString(),
      editedAt: null,
      deleted: false,
      replyTo: content.replyTo ?? null,
    }
    this.set([...this.items, { input, preview, status: 'sending', error: null }])
    return this.attempt(clientId)
  }

  retry(clientId: string): Promise<Message | null> {
    return this.attempt(clientId)
  }

  discard(clientId: string) {
    this.set(this.items.filter((p) => p.input.clientId !== clientId))
  }

  private async attempt(clientId: string): Promise<Message | null> {
    const pending = this.items.find((p) => p.input.clientId === clientId)
    if (!pending) return null
    this.update(clientId, { status: 'sending', error: null })
    try {
      const message = await this.deps.send(pending.input)
      this.deps.onSent(message)
      this.discard(clientId)
      return message
    } catch (error) {
      this.update(clientId, { status: 'failed', error })
      return null
    }
  }
}

/** Pending messages not yet in the history (the server copy wins once it is there). */
export const visiblePending = (pending: PendingMessage[], chatId: string, history: Message[]) => {
  const known = new Set(history.map((m) => m.clientId))
  return pending.filter((p) => p.input.chatId === chatId && !known.has(p.input.clientId))
}
