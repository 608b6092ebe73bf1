import {
  countUnreadMany,
  deleteChatMessages,
  findMessageByClientId,
  findMessagesByIds,
  ensureTerms,
  listChatMessages,
  reindexMessageText,
  searchMessageIds,
  sendMessageRow,
  updateMessage,
  type Db,
  type Executor,
  type MessageRow,
} from '@messenger/db'
import { highlight, terms } from '@messenger/shared'
import type { MessageStore, StoredMessage } from './store'

const toStored = (r: MessageRow): StoredMessage => ({
  id: r.id,
  chatId: r.chat_id,
  senderId: r.sender_id,
  clientId: r.client_id,
  text: r.text,
  imageIds: r.image_ids ? r.image_ids.split(',') : [],
  createdAt: r.created_at,
  editedAt: r.edited_at,
  deleted: r.deleted === 1,
})

const toRow = (m: StoredMessage): MessageRow => ({
  id: m.id,
  chat_id: m.chatId,
  sender_id: m.senderId,
  client_id: m.clientId,
  text: m.text,
  image_ids: m.imageIds.length > 0 ? m.imageIds.join(',') : null,
  created_at: m.createdAt,
  edited_at: m.editedAt,
  deleted: m.deleted ? 1 : 0,
})

/**
 * Vocabulary ids seen already. Terms are never removed or renumbered, so a cached id stays right
 * and a send of known words skips the vocabulary lookup (one database round trip of four).
 */
const TERM_CACHE_MAX = 200_000

/** Messages in MySQL, searched through our own fuzzy index (packages/db/src/search). */
export const createMysqlStore = (db: Db): MessageStore => {
  const knownTerms = new Map<string, number>()
  const termIdsOf = async (text: string | null) => {
    const wanted = text === null ? [] : terms(text)
    const missing = wanted.filter((t) => !knownTerms.has(t))
    if (missing.length > 0) {
      // New words join the vocabulary first, in a transaction of their own: harmless if the send
      // then fails, since a word without postings finds nothing.
      if (knownTerms.size + missing.length > TERM_CACHE_MAX) knownTerms.clear()
      for (const [term, id] of await ensureTerms(db, missing)) knownTerms.set(term, id)
    }
    return wanted.flatMap((t) => knownTerms.get(t) ?? [])
  }
  return {
    kind: 'mysql',
    init: () => Promise.resolve(),

    async create(m) {
      const sent = await sendMessageRow(db, toRow(m), await termIdsOf(m.text))
      if (sent.status === 'sent') return { ...sent, message: m }
      if (sent.status === 'not_member') return sent
      const existing = await findMessageByClientId(db, m.senderId, m.clientId)
      if (!existing) throw new Error('duplicate clientId without a message')
      return { status: 'duplicate', message: toStored(existing) }
    },

    async getMany(ids) {
      return (await findMessagesByIds(db, ids)).map(toStored)
    },

    async findByClientId(senderId, clientId) {
      const r = await findMessageByClientId(db, senderId, clientId)
      return r ? toStored(r) : null
    },

    async list(chatId, before, limit) {
      return (await listChatMessages(db, chatId, before, limit)).map(toStored)
    },

    async update(trx: Executor, m) {
      await updateMessage(trx, m.id, {
        text: m.text,
        editedAt: m.editedAt ?? undefined,
        deleted: m.deleted,
        imageIds: m.imageIds.length > 0 ? m.imageIds.join(',') : null,
      })
      await reindexMessageText(trx, {
        messageId: m.id,
        chatId: m.chatId,
        text: m.deleted ? null : m.text,
      })
    },

    countUnread: (chats, userId, cap) => countUnreadMany(db, chats, userId, cap),

    async search(q) {
      const hits = await searchMessageIds(db, q)
      const byId = new Map(
        (
          await findMessagesByIds(
            db,
            hits.map((h) => h.messageId),
          )
        ).map((r) => [r.id, r]),
      )
      return hits.flatMap((h) => {
        const row = byId.get(h.messageId)
        if (!row || row.deleted === 1) return []
        return [{ message: toStored(row), highlight: highlight(row.text ?? '', h.terms) }]
      })
    },

    async deleteChat(chatId) {
      await deleteChatMessages(db, chatId)
    },

    close: () => Promise.resolve(),
  }
}
