import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every normalized word ever indexed. Binary collation: terms are already folded by normalizeWord,
  // and utf8mb4_unicode_ci would treat distinct terms (е/ё, accents) as one key.
  await sql`CREATE TABLE search_terms (
    id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    term VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    UNIQUE KEY search_terms_term (term)
  ) ENGINE=InnoDB`.execute(db)

  // SymSpell deletion index over the vocabulary: each term under itself and under every string made
  // by deleting up to 1 (terms of 3-5 letters) or 2 (longer) letters after the first. A query word's
  // own deletions looked up here give every term within its edit distance, plus a few to discard.
  await sql`CREATE TABLE search_term_variants (
    variant VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    term_id INT UNSIGNED NOT NULL,
    PRIMARY KEY (variant, term_id)
  ) ENGINE=InnoDB`.execute(db)

  // Postings: which messages hold which term. Ids are UUIDs packed to 16 bytes (UUIDv7 keeps its time
  // order), so (term_id, message_id) walks a term's messages newest first from the end of the index;
  // the primary key serves searches in one chat, (message_id, term_id) the per-message probes/deletes.
  await sql`CREATE TABLE search_postings (
    term_id INT UNSIGNED NOT NULL,
    chat_id BINARY(16) NOT NULL,
    message_id BINARY(16) NOT NULL,
    PRIMARY KEY (term_id, chat_id, message_id),
    KEY search_postings_term_message (term_id, message_id),
    KEY search_postings_message (message_id, term_id)
  ) ENGINE=InnoDB`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS search_postings`.execute(db)
  await sql`DROP TABLE IF EXISTS search_term_variants`.execute(db)
  await sql`DROP TABLE IF EXISTS search_terms`.execute(db)
}
