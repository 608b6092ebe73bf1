import { randomBytes } from 'node:crypto'
import { createDb, type Db } from './client'
import { createDatabaseIfMissing, dropDatabase, migrateToLatest } from './migrate'

const SERVER_URL = process.env.TEST_DATABASE_SERVER ?? 'mysql://root@127.0.0.1:3306'

export interface TestDb {
  db: Db
  url: string
  /** Closes the pool and drops the database. */
  drop: () => Promise<void>
}

/** A fresh, migrated database with a unique name, for one test file (on `serverUrl` if given). */
export const createTestDb = async (serverUrl = SERVER_URL): Promise<TestDb> => {
  const url = `${serverUrl}/test_${randomBytes(6).toString('hex')}`
  await createDatabaseIfMissing(url)
  const db = createDb(url)
  await migrateToLatest(db)
  return {
    db,
    url,
    drop: async () => {
      await db.destroy()
      await dropDatabase(url)
    },
  }
}
