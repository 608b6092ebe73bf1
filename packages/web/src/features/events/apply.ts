import type { Chat, ChatEvent, PinnedMessage } from '@messenger/shared'
import { hashKey, type QueryClient } from '@tanstack/react-query'
import { keys } from '../../lib/query-keys'
import { applyReaction } from '../reactions/merge-reactions'
import {
  applyMessageToChats,
  applyReadMark,
  removeChat,
  removeMessage,
  replaceMessage,
  upsertChat,
  upsertMessage,
  type MessageContext,
  type MessagePages,
} from './merge'

/** The chat an event is about. */
const chatIdOf = (event: ChatEvent) =>
  'message' in event ? event.message.chatId : 'chat' in event ? event.chat.id : event.chatId

/** What was merged while a query it touches was being fetched, waiting for that fetch's answer. */
interface Waiting {
  event: ChatEvent
  ctx: MessageContext
  /** Hashes of the queries still on their way. */
  queries: Set<string>
}
/** Per client; bounded, as a fetch that never succeeds (a removed chat) leaves its own behind. */
const waiting = new WeakMap<QueryClient, Waiting[]>()
const MAX_WAITING = 500

/**
 * Merges one live event into the cached chat list, chat and history. A list or page whose fetch
 * is in flight may have been read on the server before this event was committed; its answer lands
 * after the event and would stand without it (a new chat missing from the list, a message missing
 * from a history being opened). So the event is merged again into that answer when it comes: the
 * merges are idempotent, as they are for any replayed event.
 */
export const applyEvent = (qc: QueryClient, event: ChatEvent, ctx: MessageContext) => {
  mergeEvent(qc, event, ctx)
  const chatId = chatIdOf(event)
  const loading = [keys.chats, keys.chat(chatId), keys.messages(chatId)].filter(
    (queryKey) => qc.isFetching({ queryKey, exact: true }) > 0,
  )
  if (loading.length === 0) return
  let list = waiting.get(qc)
  if (!list) {
    list = []
    waiting.set(qc, list)
    qc.getQueryCache().subscribe((e) => {
      // A fetch's answer; not this module's own writes (setQueryData is `manual`).
      if (e.type !== 'updated' || e.action.type !== 'success' || e.action.manual) return
      const all = waiting.get(qc) ?? []
      const due = all.filter((w) => w.queries.delete(e.query.queryHash))
      if (due.length === 0) return
      waiting.set(
        qc,
        all.filter((w) => w.queries.size > 0),
      )
      for (const w of due) mergeEvent(qc, w.event, w.ctx)
    })
  }
  list.push({ event, ctx, queries: new Set(loading.map((queryKey) => hashKey(queryKey))) })
  if (list.length > MAX_WAITING) list.splice(0, list.length - MAX_WAITING)
}

const mergeEvent = (qc: QueryClient, event: ChatEvent, ctx: MessageContext) => {
  switch (event.type) {
    case 'message.created':
    case 'message.updated':
    case 'message.deleted': {
      const { message } = event
      const kind = event.type === 'message.created' ? 'created' : 'updated'
      qc.setQueryData<MessagePages>(
        keys.messages(message.chatId),
        (data) =>
          data &&
          (kind === 'created' ? upsertMessage(data, message) : replaceMessage(data, message)),
      )
      if (event.type === 'message.deleted') {
        qc.setQueryData<PinnedMessage[]>(keys.pinned(message.chatId), (pinned) =>
          pinned?.filter((p) => p.message.id !== message.id),
        )
      }
      const chats = qc.getQueryData<Chat[]>(keys.chats)
      if (chats) {
        const next = applyMessageToChats(chats, message, kind, ctx)
        if (next) qc.setQueryData(keys.chats, next)
        else void qc.invalidateQueries({ queryKey: keys.chats })
      }
      return
    }
    // The bar refetches its short list: pins are rare, and the server knows their order.
    case 'message.pinned':
    case 'message.unpinned':
      void qc.invalidateQueries({ queryKey: keys.pinned(event.message.chatId) })
      return
    case 'chat.updated': {
      const { chat } = event
      qc.setQueryData<Chat[]>(keys.chats, (chats) => chats && upsertChat(chats, chat))
      qc.setQueryData<Chat>(keys.chat(chat.id), chat)
      return
    }
    case 'chat.read': {
      const { chatId, lastReadMessageId } = event
      const chats = qc.getQueryData<Chat[]>(keys.chats)
      const list = chats && applyReadMark(chats, chatId, lastReadMessageId)
      if (list) qc.setQueryData(keys.chats, list)
      else if (list === null) void qc.invalidateQueries({ queryKey: keys.chats })
      const one = qc.getQueryData<Chat>(keys.chat(chatId))
      const single = one && applyReadMark([one], chatId, lastReadMessageId)
      if (single?.[0]) qc.setQueryData(keys.chat(chatId), single[0])
      else if (single === null) void qc.invalidateQueries({ queryKey: keys.chat(chatId) })
      return
    }
    case 'chat.seen': {
      // Read receipts: the furthest another member read moves on; group counts are read again.
      const { chatId, lastReadMessageId: mark } = event
      const seen = (c: Chat): Chat =>
        c.id === chatId && (c.othersReadUpTo ?? '') < mark ? { ...c, othersReadUpTo: mark } : c
      qc.setQueryData<Chat[]>(keys.chats, (chats) => chats?.map(seen))
      qc.setQueryData<Chat>(keys.chat(chatId), (c) => c && seen(c))
      void qc.invalidateQueries({ queryKey: ['receipts', chatId] })
      return
    }
    case 'message.reaction': {
      qc.setQueryData<MessagePages>(
        keys.messages(event.chatId),
        (data) => data && applyReaction(data, event, ctx.myId),
      )
      return
    }
    // Delete for me, here or on another tab: the chat's preview and counts follow as chat.updated.
    case 'message.hidden': {
      qc.setQueryData<MessagePages>(
        keys.messages(event.chatId),
        (data) => data && removeMessage(data, event.messageId),
      )
      return
    }
    case 'chat.removed': {
      qc.setQueryData<Chat[]>(keys.chats, (chats) => chats && removeChat(chats, event.chatId))
      qc.removeQueries({ queryKey: keys.chat(event.chatId) })
      qc.removeQueries({ queryKey: keys.messages(event.chatId) })
      return
    }
  }
}
