/**
 * `pnpm search:reindex`: rebuilds the configured search index (Elasticsearch when
 * ELASTICSEARCH_URL is set, MySQL's own otherwise) from the messages in MySQL, with progress.
 * Needed after a mapping change; safe while servers run (their indexers wait, then catch up).
 */
import { performance } from 'node:perf_hooks'
import { createDatabaseIfMissing, createDb, migrateToLatest } from '@messenger/db'
import { loadConfig } from '../env'
import { createElasticsearchIndex } from './elasticsearch-index'
import { createMysqlIndex } from './mysql-index'
import { reindex } from './reindex'

const config = loadConfig()
await createDatabaseIfMissing(config.databaseUrl)
const db = createDb(config.databaseUrl)
await migrateToLatest(db)
const index =
  config.elasticsearchUrl !== undefined
    ? createElasticsearchIndex(db, {
        url: config.elasticsearchUrl,
        index: config.elasticsearchIndex,
        replicas: config.elasticsearchReplicas,
        // Bulk requests of a rebuild are larger than a live batch.
        timeoutMs: Math.max(config.elasticsearchTimeoutMs, 60_000),
      })
    : createMysqlIndex(db)
const where =
  index.backend === 'elasticsearch'
    ? `Elasticsearch index "${config.elasticsearchIndex}"`
    : 'the MySQL index'
const started = performance.now()
let shown = 0
try {
  const r = await reindex(db, index, (done, total) => {
    const now = performance.now()
    if (done !== total && now - shown < 1000) return
    shown = now
    const pct = total === 0 ? 100 : Math.floor((done * 100) / total)
    process.stderr.write(`\rreindexing ${where}: ${done} / ${total} messages (${pct}%)   `)
  })
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  process.stderr.write(
    `\nreindexed ${r.messages} messages in ${seconds} s; indexers continue after event ${r.upTo}\n`,
  )
} catch (e) {
  process.stderr.write(`\nreindex failed: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exitCode = 1
} finally {
  await index.close()
  await db.destroy()
}
