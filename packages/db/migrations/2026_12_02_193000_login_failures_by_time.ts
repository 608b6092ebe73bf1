import { sql, type Kysely } from 'kysely'

/**
 * Failures are pruned by age across all scopes (pruneLoginThrottle): an index on the time alone,
 * since the scope index cannot serve a range over every scope.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE login_failures ADD KEY login_failures_created (created_at)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE login_failures DROP KEY login_failures_created`.execute(db)
}
