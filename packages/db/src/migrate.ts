import {
  Migrator,
  type MigrationProvider,
  type MigrationResult,
  type MigrationResultSet,
} from 'kysely'
import { createConnection } from 'mysql2/promise'
import { migrations } from '../migrations/index'
import { parseDatabaseUrl, type Db } from './client'

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) }

/** Creates the database named in the URL if it does not exist yet. */
export const createDatabaseIfMissing = async (url: string) => {
  const { database, ...conn } = parseDatabaseUrl(url)
  const c = await createConnection(conn)
  try {
    await c.query(
      `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    )
  } finally {
    await c.end()
  }
}

export const dropDatabase = async (url: string) => {
  const { database, ...conn } = parseDatabaseUrl(url)
  const c = await createConnection(conn)
  try {
    await c.query(`DROP DATABASE IF EXISTS \`${database}\``)
  } finally {
    await c.end()
  }
}

/** Runs what `run` asks of a migrator; a failure names the migration that failed. */
const migrateWith = async (
  db: Db,
  run: (m: Migrator) => Promise<MigrationResultSet>,
): Promise<MigrationResult[]> => {
  const { error, results } = await run(new Migrator({ db, provider }))
  const failed = results?.find((r) => r.status === 'Error')
  if (error !== undefined) {
    const cause = error instanceof Error ? error.message : JSON.stringify(error)
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${cause}`, { cause: error })
  }
  return results ?? []
}

export const migrateToLatest = (db: Db) => migrateWith(db, (m) => m.migrateToLatest())

/** Up (or down) to `migration`, included: tests of a later migration on an older schema's data. */
export const migrateTo = (db: Db, migration: string) =>
  migrateWith(db, (m) => m.migrateTo(migration))
