import { createDb } from './client'
import { createDatabaseIfMissing, migrateToLatest } from './migrate'

const url = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/messenger'
await createDatabaseIfMissing(url)
const db = createDb(url)
try {
  const results = await migrateToLatest(db)
  for (const r of results) console.log(`${r.status}: ${r.migrationName}`)
  if (results.length === 0) console.log('database is up to date')
} finally {
  await db.destroy()
}
