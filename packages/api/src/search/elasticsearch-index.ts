import { errors, Client, type estypes } from '@elastic/elasticsearch'
import { chatIdsOfUser, type Db } from '@messenger/db'
import {
  SearchMappingError,
  SearchUnavailableError,
  type IndexedDoc,
  type SearchIndex,
} from './search-index'
import { MARK_END, MARK_START, markedWords, textQuery } from './elasticsearch-query'

export interface ElasticsearchOptions {
  url: string
  index: string
  replicas: number
  /** Every request gives up after this long: a stalled cluster must not hold requests. */
  timeoutMs: number
}

interface MessageDoc {
  chat_id: string
  sender_id: string
  text: string
  has_image: boolean
  created_at: string
}

const toDoc = (d: IndexedDoc): MessageDoc => ({
  chat_id: d.chatId,
  sender_id: d.senderId,
  text: d.text,
  has_image: d.hasImage,
  created_at: d.createdAt.toISOString(),
})

/** Bumped whenever the mapping or analysis changes: an index with another one needs a reindex. */
const SCHEMA_VERSION = 3

const folding = { char_filter: ['yo'], tokenizer: 'standard' }
const analysis: estypes.IndicesIndexSettingsAnalysis = {
  char_filter: { yo: { type: 'mapping', mappings: ['ё => е', 'Ё => Е'] } },
  filter: {
    ru_stop: { type: 'stop', stopwords: '_russian_' },
    ru_stem: { type: 'stemmer', language: 'russian' },
    en_stop: { type: 'stop', stopwords: '_english_' },
    en_stem: { type: 'stemmer', language: 'english' },
    // Starts of words for the unfinished last word of a query (the MySQL index's MIN_PREFIX_LENGTH
    // is 2); a typed start longer than 20 letters matches the word itself or by typo instead.
    starts: { type: 'edge_ngram', min_gram: 2, max_gram: 20 },
  },
  analyzer: {
    folded: { type: 'custom', ...folding, filter: ['lowercase'] },
    ru: { type: 'custom', ...folding, filter: ['lowercase', 'ru_stop', 'ru_stem'] },
    en: { type: 'custom', ...folding, filter: ['lowercase', 'en_stop', 'en_stem'] },
    prefix: { type: 'custom', ...folding, filter: ['lowercase', 'starts'] },
  },
}

const mappings: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  _meta: { messenger_schema: SCHEMA_VERSION },
  properties: {
    chat_id: { type: 'keyword' },
    sender_id: { type: 'keyword' },
    text: {
      type: 'text',
      analyzer: 'folded',
      fields: {
        ru: { type: 'text', analyzer: 'ru' },
        en: { type: 'text', analyzer: 'en' },
        // Indexed as starts of words, searched as typed: "оборо" is one of "оборона"'s starts.
        prefix: { type: 'text', analyzer: 'prefix', search_analyzer: 'folded' },
      },
    },
    has_image: { type: 'boolean' },
    created_at: { type: 'date' },
  },
}

/** The type and analyzer of each field, for comparing a live mapping with ours. */
const shape = (props: Record<string, estypes.MappingProperty> | undefined): string =>
  JSON.stringify(
    Object.entries(props ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, p]) => {
        const field = p as { type?: string; analyzer?: string; fields?: Record<string, never> }
        return [name, field.type, field.analyzer ?? null, field.fields ? shape(field.fields) : null]
      }),
  )

const errorType = (e: errors.ResponseError) => {
  const body = e.body as { error?: { type?: string } } | undefined
  return body?.error?.type
}

/** Errors that mean "the cluster cannot answer now", as opposed to a bad request of ours. */
const isOutage = (e: unknown) =>
  e instanceof errors.ConnectionError ||
  e instanceof errors.TimeoutError ||
  e instanceof errors.NoLivingConnectionsError ||
  (e instanceof errors.ResponseError &&
    (e.statusCode === undefined ||
      e.statusCode >= 500 ||
      e.statusCode === 429 ||
      errorType(e) === 'index_not_found_exception'))

/**
 * Search in Elasticsearch: the text analysed four ways (folded, Russian and English stemmers,
 * starts of words), queried and ranked as the MySQL index ranks (elasticsearch-query.ts): the other
 * keyboard layout, the unfinished last word, word forms, typos. Documents are keyed by message id
 * and versioned by event id.
 */
export const createElasticsearchIndex = (db: Db, o: ElasticsearchOptions): SearchIndex => {
  // Our own retries (the indexer's backoff, the user's next search) instead of the client's.
  const es = new Client({ node: o.url, requestTimeout: o.timeoutMs, maxRetries: 0 })
  const index = o.index
  let ready = false
  let notReady = 'not initialized yet'

  const settings: estypes.IndicesIndexSettings = {
    number_of_replicas: o.replicas,
    // Explicit, so an idle index still refreshes every second: a send is searchable within 2 s.
    refresh_interval: '1s',
    analysis,
  }

  const createIndex = async () => {
    try {
      await es.indices.create({ index })
    } catch (e) {
      // Another instance created it first; anything else is a real failure.
      if (!(
        e instanceof errors.ResponseError && errorType(e) === 'resource_already_exists_exception'
      ))
        throw e
    }
  }

  const init = async () => {
    try {
      // The template makes any creation of this index (ours, or an auto-create by a stray write)
      // take our settings and strict mapping.
      await es.indices.putIndexTemplate({
        name: `${index}-messenger`,
        index_patterns: [index],
        priority: 500,
        template: { settings, mappings },
      })
      await createIndex()
      const live = Object.values(await es.indices.getMapping({ index }))[0]?.mappings
      const version = (live?._meta as { messenger_schema?: number } | undefined)?.messenger_schema
      if (
        live?.dynamic !== 'strict' ||
        version !== SCHEMA_VERSION ||
        shape(live.properties) !== shape(mappings.properties)
      ) {
        throw new SearchMappingError(
          `Elasticsearch index "${index}" has another mapping than this version needs (schema ${String(version)}, expected ${SCHEMA_VERSION}); run \`pnpm search:reindex\``,
        )
      }
      await es.indices.putSettings({ index, settings: { number_of_replicas: o.replicas } })
      ready = true
    } catch (e) {
      notReady = e instanceof Error ? e.message : String(e)
      throw e
    }
  }

  const unavailable = (e: unknown) =>
    isOutage(e)
      ? new SearchUnavailableError(`Elasticsearch: ${e instanceof Error ? e.message : String(e)}`, {
          cause: e,
        })
      : e

  return {
    backend: 'elasticsearch',
    cursorName: `elasticsearch:${index}`,
    init,

    async apply(ops) {
      const operations: (estypes.BulkOperationContainer | MessageDoc)[] = []
      for (const op of ops) {
        if (op.type === 'upsert') {
          operations.push(
            {
              index: {
                _index: index,
                _id: op.doc.messageId,
                version: op.version,
                version_type: 'external',
              },
            },
            toDoc(op.doc),
          )
        } else if (op.type === 'delete') {
          operations.push({
            delete: {
              _index: index,
              _id: op.messageId,
              version: op.version,
              version_type: 'external',
            },
          })
        }
      }
      if (operations.length > 0) {
        const r = await es.bulk({ operations })
        if (r.errors) {
          // A version conflict means a newer event got there first: that item is done.
          const failed = r.items.flatMap((item) =>
            Object.values(item).flatMap((res: estypes.BulkResponseItem | undefined) =>
              res?.error && res.status !== 409 ? [res] : [],
            ),
          )
          if (failed.length > 0) {
            const first = failed[0]!
            throw new Error(
              `Elasticsearch bulk: ${failed.length} of ${r.items.length} failed, first ${first._id ?? ''}: ${first.error?.type ?? ''} ${first.error?.reason ?? ''}`,
            )
          }
        }
      }
      for (const op of ops) {
        if (op.type !== 'deleteChat') continue
        await es.deleteByQuery(
          { index, query: { term: { chat_id: op.chatId } }, conflicts: 'proceed' },
          { requestTimeout: Math.max(o.timeoutMs, 60_000) },
        )
      }
    },

    async search(q) {
      if (!ready) throw new SearchUnavailableError(`Elasticsearch: ${notReady}`)
      const chatIds = q.chatId !== undefined ? [q.chatId] : await chatIdsOfUser(db, q.userId)
      if (chatIds.length === 0) return []
      try {
        const filter: estypes.QueryDslQueryContainer[] = [
          { terms: { chat_id: chatIds } },
          ...(q.senderId !== undefined ? [{ term: { sender_id: q.senderId } }] : []),
          ...(q.hasImage === true ? [{ term: { has_image: true } }] : []),
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
        ]
        const text = textQuery(q.query)
        const r = await es.search<MessageDoc>({
          index,
          size: q.limit,
          _source: false,
          query: {
            bool: {
              // Filters alone list the matching messages, newest first.
              must: text === null ? [{ match_all: {} }] : [text.query],
              filter,
            },
          },
          sort: ['_score', { created_at: 'desc' }],
          ...(text !== null && {
            highlight: {
              // The whole text, with the matched words between private-use marks: the shared
              // highlighter marks them in the stored text and cuts the snippet, as for MySQL.
              pre_tags: [MARK_START],
              post_tags: [MARK_END],
              number_of_fragments: 0,
              require_field_match: false,
              highlight_query: text.highlight,
              fields: { text: {}, 'text.ru': {}, 'text.en': {}, 'text.prefix': {} },
            },
          }),
        })
        return r.hits.hits.flatMap((h) =>
          h._id === undefined
            ? []
            : [{ messageId: h._id, highlight: null, terms: markedWords(h.highlight) }],
        )
      } catch (e) {
        throw unavailable(e)
      }
    },

    async count(chatId) {
      const r = await es.count({
        index,
        ...(chatId !== undefined && { query: { term: { chat_id: chatId } } }),
      })
      return r.count
    },

    async reset() {
      await es.indices.delete({ index, ignore_unavailable: true })
      ready = false
      await init()
    },

    async health() {
      try {
        await es.ping()
      } catch (e) {
        return {
          ok: false,
          error: `Elasticsearch unreachable: ${e instanceof Error ? e.message : String(e)}`,
        }
      }
      return ready ? { ok: true } : { ok: false, error: `Elasticsearch index: ${notReady}` }
    },

    close: () => es.close(),
  }
}

/** Deletes an index and its template (benchmarks and tests that made their own). */
export const dropElasticsearchIndex = async (url: string, index: string) => {
  const es = new Client({ node: url, requestTimeout: 60_000, maxRetries: 0 })
  try {
    await es.indices.delete({ index, ignore_unavailable: true })
    await es.indices.deleteIndexTemplate({ name: `${index}-messenger` }, { ignore: [404] })
  } finally {
    await es.close()
  }
}
