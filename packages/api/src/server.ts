import { serve } from '@hono/node-server'
import { createDatabaseIfMissing, createDb, migrateToLatest } from '@messenger/db'
import { createApp } from './app'
import { closeDeps, createDeps } from './deps'
import { loadConfig } from './env'

const config = loadConfig()
await createDatabaseIfMissing(config.databaseUrl)
const db = createDb(config.databaseUrl, { connectionLimit: config.databasePoolSize })
await migrateToLatest(db)
const deps = await createDeps(config, { db })
const app = createApp(deps)

const server = serve({ fetch: app.fetch, port: config.port }, (info) => {
  deps.log.info(`messenger listening on http://localhost:${info.port}`)
})

const shutdown = () => {
  server.close()
  void closeDeps(deps).finally(() => process.exit(0))
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
