import { sql, type Kysely } from 'kysely'
import { stemOf } from '../src/search/stem'

/**
 * Each vocabulary term's stem (Snowball Russian, Porter English), so a query word finds the other
 * forms of its word ("буйны" → "буйного") through one index lookup. Postings are untouched: a stem
 * leads to the terms, the terms to their messages, so no message needs reindexing; the terms
 * already in the vocabulary get their stems here, in batches.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE search_terms
    ADD COLUMN stem VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    ADD KEY search_terms_stem (stem)`.execute(db)
  for (let after = 0; ;) {
    const { rows } = await sql<{ id: number; term: string }>`
      SELECT id, term FROM search_terms WHERE id > ${after} ORDER BY id LIMIT 5000`.execute(db)
    if (rows.length === 0) break
    await sql`INSERT INTO search_terms (id, term, stem) VALUES ${sql.join(
      rows.map((r) => sql`(${r.id}, ${r.term}, ${stemOf(r.term)})`),
    )} ON DUPLICATE KEY UPDATE stem = VALUES(stem)`.execute(db)
    after = rows.at(-1)!.id
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE search_terms DROP KEY search_terms_stem, DROP COLUMN stem`.execute(db)
}
