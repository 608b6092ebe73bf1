import { errors, Client, type estypes } from '@elastic/elasticsearch'
import { chatIdsOfUser, recordMessageCreated, type Db } from '@messenger/db'
import { highlight } from '@messenger/shared'
import type { MessageStore, StoredMessage } from './store'

interface MessageDoc {
  id: string
  chat_id: string
  sender_id: string
  client_id: string
  text: string | null
  image_ids: string[]
  created_at: string
  edited_at: string | null
  deleted: boolean
}

const toDoc = (m: StoredMessage): MessageDoc => ({
  id: m.id,
  chat_id: m.chatId,
  sender_id: m.senderId,
  client_id: m.clientId,
  text: m.text,
  image_ids: m.imageIds,
  created_at: m.createdAt.toISOString(),
  edited_at: m.editedAt?.toISOString() ?? null,
  deleted: m.deleted,
})

const fromDoc = (d: MessageDoc): StoredMessage => ({
  id: d.id,
  chatId: d.chat_id,
  senderId: d.sender_id,
  clientId: d.client_id,
  text: d.text,
  imageIds: d.image_ids,
  createdAt: new Date(d.created_at),
  editedAt: d.edited_at === null ? null : new Date(d.edited_at),
  deleted: d.deleted,
})

/** The document id is derived from (sender, clientId): a retried send can never index twice. */
const docId = (m: Pick<StoredMessage, 'senderId' | 'clientId'>) => `${m.senderId}:${m.clientId}`

const folding = { char_filter: ['yo'], tokenizer: 'standard' }
const settings: estypes.IndicesIndexSettings = {
  analysis: {
    char_filter: { yo: { type: 'mapping', mappings: ['ё => е', 'Ё => Е'] } },
    filter: {
      ru_stop: { type: 'stop', stopwords: '_russian_' },
      ru_stem: { type: 'stemmer', language: 'russian' },
      en_stop: { type: 'stop', stopwords: '_english_' },
      en_stem: { type: 'stemmer', language: 'english' },
    },
    analyzer: {
      folded: { type: 'custom', ...folding, filter: ['lowercase'] },
      ru: { type: 'custom', ...folding, filter: ['lowercase', 'ru_stop', 'ru_stem'] },
      en: { type: 'custom', ...folding, filter: ['lowercase', 'en_stop', 'en_stem'] },
    },
  },
}
const mappings: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: { type: 'keyword' },
    chat_id: { type: 'keyword' },
    sender_id: { type: 'keyword' },
    client_id: { type: 'keyword' },
    text: {
      type: 'text',
      analyzer: 'folded',
      fields: {
        ru: { type: 'text', analyzer: 'ru' },
        en: { type: 'text', analyzer: 'en' },
      },
    },
    image_ids: { type: 'keyword' },
    created_at: { type: 'date' },
    edited_at: { type: 'date' },
    deleted: { type: 'boolean' },
  },
}

/** Messages in Elasticsearch: fuzzy multi_match over folded, Russian and English analyses. */
export const createElasticsearchStore = (db: Db, url: string, index: string): MessageStore => {
  const es = new Client({ node: url })

  const byTerms = async (filter: object[], size: number) => {
    const r = await es.search<MessageDoc>({ index, size, query: { bool: { filter } } })
    return r.hits.hits.flatMap((h) => (h._source ? [fromDoc(h._source)] : []))
  }

  const findByClientId = async (senderId: string, clientId: string) => {
    try {
      const r = await es.get<MessageDoc>({ index, id: docId({ senderId, clientId }) })
      return r._source ? fromDoc(r._source) : null
    } catch (e) {
      if (e instanceof errors.ResponseError && e.statusCode === 404) return null
      throw e
    }
  }

  return {
    kind: 'elasticsearch',

    async init() {
      if (!(await es.indices.exists({ index }))) {
        try {
          await es.indices.create({ index, settings, mappings })
        } catch (e) {
          // Another instance created it first.
          if (!(e instanceof errors.ResponseError && e.statusCode === 400)) throw e
        }
      }
    },

    async create(m) {
      try {
        await es.create({ index, id: docId(m), document: toDoc(m), refresh: 'wait_for' })
      } catch (e) {
        if (!(e instanceof errors.ResponseError && e.statusCode === 409)) throw e
        const existing = await findByClientId(m.senderId, m.clientId)
        if (!existing) throw e
        return { status: 'duplicate', message: existing }
      }
      const sent = await recordMessageCreated(db, {
        chatId: m.chatId,
        senderId: m.senderId,
        messageId: m.id,
        at: m.createdAt,
      })
      if (sent.status !== 'sent') {
        // The sender left the chat meanwhile: take the document back, as if nothing was sent.
        await es.delete({ index, id: docId(m), refresh: 'wait_for' })
        return { status: 'not_member' }
      }
      return { ...sent, message: m }
    },

    getMany: (ids) =>
      ids.length === 0 ? Promise.resolve([]) : byTerms([{ terms: { id: [...ids] } }], ids.length),

    findByClientId,

    async list(chatId, before, limit) {
      const r = await es.search<MessageDoc>({
        index,
        size: limit,
        query: {
          bool: {
            filter: [
              { term: { chat_id: chatId } },
              ...(before === undefined ? [] : [{ range: { id: { lt: before } } }]),
            ],
          },
        },
        sort: [{ id: 'desc' }],
      })
      return r.hits.hits.flatMap((h) => (h._source ? [fromDoc(h._source)] : []))
    },

    async update(_trx, m) {
      await es.index({ index, id: docId(m), document: toDoc(m), refresh: 'wait_for' })
    },

    async countUnread(chats, userId, cap) {
      if (chats.length === 0) return new Map<string, number>()
      // One multi-search of counts (size 0, totals tracked up to the cap) for the whole page.
      const r = await es.msearch({
        searches: chats.flatMap((c) => [
          { index },
          {
            size: 0,
            track_total_hits: cap,
            query: {
              bool: {
                filter: [
                  { term: { chat_id: c.chatId } },
                  { term: { deleted: false } },
                  ...(c.afterId === null ? [] : [{ range: { id: { gt: c.afterId } } }]),
                ],
                must_not: [{ term: { sender_id: userId } }],
              },
            },
          },
        ]),
      })
      return new Map(
        chats.map((c, i) => {
          const res = r.responses[i]
          if (!res || 'error' in res) throw new Error(`counting unread in ${c.chatId} failed`)
          const total = res.hits.total
          const n = typeof total === 'number' ? total : (total?.value ?? 0)
          return [c.chatId, Math.min(n, cap)]
        }),
      )
    },

    async search(q) {
      const chatIds = q.chatId !== undefined ? [q.chatId] : await chatIdsOfUser(db, q.userId)
      if (chatIds.length === 0) return []
      const words = q.query.trim() !== ''
      const r = await es.search<MessageDoc>({
        index,
        size: q.limit,
        query: {
          bool: {
            must: words
              ? [
                  {
                    multi_match: {
                      query: q.query,
                      fields: ['text', 'text.ru', 'text.en'],
                      fuzziness: 'AUTO',
                      prefix_length: 1,
                    },
                  },
                ]
              : [],
            filter: [
              { terms: { chat_id: chatIds } },
              { term: { deleted: false } },
              ...(q.senderId !== undefined ? [{ term: { sender_id: q.senderId } }] : []),
              ...(q.hasImage === true ? [{ exists: { field: 'image_ids' } }] : []),
              ...(q.after !== undefined || q.before !== undefined
                ? [
                    {
                      range: {
                        created_at: {
                          ...(q.after !== undefined && { gte: q.after.toISOString() }),
                          ...(q.before !== undefined && { lt: q.before.toISOString() }),
                        },
                      },
                    },
                  ]
                : []),
            ],
          },
        },
        sort: words ? ['_score', { id: 'desc' }] : [{ id: 'desc' }],
        highlight: {
          encoder: 'html',
          pre_tags: ['<mark>'],
          post_tags: ['</mark>'],
          fields: { text: {}, 'text.ru': {}, 'text.en': {} },
          number_of_fragments: 1,
          fragment_size: 160,
        },
      })
      return r.hits.hits.flatMap((h) => {
        if (!h._source) return []
        const marked =
          h.highlight?.text?.[0] ?? h.highlight?.['text.ru']?.[0] ?? h.highlight?.['text.en']?.[0]
        return [
          {
            message: fromDoc(h._source),
            highlight: marked ?? highlight(h._source.text ?? '', []),
          },
        ]
      })
    },

    async deleteChat(chatId) {
      await es.deleteByQuery({ index, query: { term: { chat_id: chatId } }, refresh: true })
    },

    close: () => es.close(),
  }
}
