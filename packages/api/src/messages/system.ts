import { insertSystemMessage, type Executor } from '@messenger/db'
import { MAX_SYSTEM_EVENT_USERS, type SystemEventKind } from '@messenger/shared'
import type { EventDraft } from '../events/service'
import { newId } from '../ids'

/** What a system message keeps: ids and titles, never words (clients translate). */
export interface StoredSystemEvent {
  kind: SystemEventKind
  title?: string
  /** The first MAX_SYSTEM_EVENT_USERS people it is about. */
  userIds?: string[]
  /** How many people it is about in all. */
  userCount?: number
}

export const parseSystemEvent = (json: string | null): StoredSystemEvent | null =>
  json === null ? null : (JSON.parse(json) as StoredSystemEvent)

/**
 * Writes a system message told by `actorId` in the transaction of the change, and records its
 * `message.created` for `audience` (the members after the change), so it reaches them live, in
 * history and on replay like any message.
 */
export const writeSystemMessage = async (
  trx: Executor,
  record: (e: EventDraft) => void,
  m: {
    chatId: string
    actorId: string
    kind: SystemEventKind
    title?: string
    userIds?: readonly string[]
    audience: string[]
    now: Date
  },
) => {
  const id = newId()
  const event: StoredSystemEvent = {
    kind: m.kind,
    ...(m.title !== undefined && { title: m.title }),
    ...(m.userIds !== undefined && {
      userIds: m.userIds.slice(0, MAX_SYSTEM_EVENT_USERS),
      userCount: m.userIds.length,
    }),
  }
  await insertSystemMessage(trx, {
    id,
    chatId: m.chatId,
    senderId: m.actorId,
    event: JSON.stringify(event),
    createdAt: m.now,
  })
  record({ chatId: m.chatId, type: 'message.created', audience: m.audience, messageId: id })
  return id
}
