import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per throttle scope (an account, an unknown login name, a client address), locked while
  // an attempt is counted and reserved, so concurrent guesses are counted one after another.
  await sql`CREATE TABLE login_throttle_scopes (
    scope VARCHAR(300) NOT NULL PRIMARY KEY
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS login_throttle_scopes`.execute(db)
}
