import {
  countUnreadWithMentions,
  deleteChatMessages,
  findMessageByClientId,
  findMessagesByIds,
  listChatMessages,
  updateMessage,
  type Db,
  type Executor,
  type MessageRow,
} from '@messenger/db'
import type { MemberCache } from '../chats/members'
import { createSendQueue } from './send-queue'
import type { MessageStore, StoredMessage } from './store'
import { parseSystemEvent } from './system'

export const toStored = (r: MessageRow): StoredMessage => ({
  id: r.id,
  chatId: r.chat_id,
  senderId: r.sender_id,
  clientId: r.client_id,
  text: r.text,
  imageIds: r.image_ids ? r.image_ids.split(',') : [],
  fileIds: r.file_ids ? r.file_ids.split(',') : [],
  createdAt: r.created_at,
  editedAt: r.edited_at,
  deleted: r.deleted === 1,
  replyToId: r.reply_to_id,
  forwardedFromId: r.forwarded_from_id,
  forwardedSenderId: r.forwarded_sender_id,
  system: parseSystemEvent(r.system_event),
})

export const toRow = (m: StoredMessage): Omit<MessageRow, 'system_event'> => ({
  id: m.id,
  chat_id: m.chatId,
  sender_id: m.senderId,
  client_id: m.clientId,
  text: m.text,
  image_ids: m.imageIds.length > 0 ? m.imageIds.join(',') : null,
  file_ids: m.fileIds.length > 0 ? m.fileIds.join(',') : null,
  created_at: m.createdAt,
  edited_at: m.editedAt,
  deleted: m.deleted ? 1 : 0,
  reply_to_id: m.replyToId,
  forwarded_from_id: m.forwardedFromId ?? null,
  forwarded_sender_id: m.forwardedSenderId ?? null,
})

/**
 * Messages in MySQL. A send is one round trip, shared with the sends that came in meanwhile: the
 * send_messages procedure, through the send queue.
 */
export const createMysqlStore = (
  db: Db,
  members?: MemberCache,
  queue = createSendQueue(db, members),
): MessageStore => ({
  async create(m) {
    const sent = await queue.send(toRow(m))
    if (sent.status === 'sent') return { ...sent, members: sent.members.ids, message: m }
    if (sent.status === 'not_member' || sent.status === 'closed') return sent
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

  async list(chatId, before, limit, viewerId) {
    return (await listChatMessages(db, chatId, before, limit, viewerId ?? null)).map(toStored)
  },

  async update(trx: Executor, m) {
    await updateMessage(trx, m.id, {
      text: m.text,
      editedAt: m.editedAt ?? undefined,
      deleted: m.deleted,
      imageIds: m.imageIds.length > 0 ? m.imageIds.join(',') : null,
      fileIds: m.fileIds.length > 0 ? m.fileIds.join(',') : null,
    })
  },

  countUnread: (chats, userId, cap) => countUnreadWithMentions(db, chats, userId, cap),

  async deleteChat(trx, chatId) {
    await deleteChatMessages(trx, chatId)
  },
})
