import { sql, type Kysely } from 'kysely'

const id = sql`CHAR(36) CHARACTER SET ascii COLLATE ascii_bin`

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per upload; the files live in DATA_DIR. The row is written after every file, so it is
  // the commit point: a row always has its files, and files without a row are never served.
  await sql`CREATE TABLE images (
    id ${id} NOT NULL PRIMARY KEY,
    owner_id ${id} NOT NULL,
    input_format VARCHAR(8) CHARACTER SET ascii NOT NULL,
    width INT UNSIGNED NOT NULL,
    height INT UNSIGNED NOT NULL,
    full_width SMALLINT UNSIGNED NOT NULL,
    full_height SMALLINT UNSIGNED NOT NULL,
    thumbnails VARCHAR(512) CHARACTER SET ascii NOT NULL,
    placeholder VARCHAR(1024) CHARACTER SET ascii NULL,
    stored_bytes INT UNSIGNED NOT NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    KEY images_owner (owner_id, id),
    CONSTRAINT images_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE
  ) ENGINE=InnoDB`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS images`.execute(db)
}
