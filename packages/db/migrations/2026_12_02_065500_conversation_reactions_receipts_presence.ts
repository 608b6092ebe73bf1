import { sql, type Kysely } from 'kysely'

const id = sql`CHAR(36) CHARACTER SET ascii COLLATE ascii_bin`
/** Binary, so every emoji is itself: a Unicode collation counts many different emoji as equal. */
const emoji = sql`VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`

/**
 * Issue #13: reactions, read receipts shown to others, presence.
 * - message_reactions: one row per (message, emoji, person), so clicking twice never counts twice;
 *   message_reaction_counts keeps the per-message aggregate that a history page reads, so a
 *   message with 1,000 reactions costs one row per emoji, not 1,000.
 * - chat_events.detail: what an event needs beyond its message (a reaction's emoji, who did it),
 *   as JSON, so the log replays it as it was sent.
 * - chat_members (chat_id, last_read_message_id, user_id): "seen by" counts and lists of a chat
 *   read as a range of this index.
 * - users.last_seen_at / users.presence_hidden: last seen when no stream is open; the privacy choice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE message_reactions (
    message_id ${id} NOT NULL,
    emoji ${emoji} NOT NULL,
    user_id ${id} NOT NULL,
    chat_id ${id} NOT NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (message_id, emoji, user_id),
    KEY message_reactions_who (message_id, emoji, created_at, user_id),
    KEY message_reactions_user (user_id, message_id),
    CONSTRAINT message_reactions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
  ) ENGINE=InnoDB`.execute(db)
  await sql`CREATE TABLE message_reaction_counts (
    message_id ${id} NOT NULL,
    emoji ${emoji} NOT NULL,
    count INT UNSIGNED NOT NULL,
    first_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (message_id, emoji)
  ) ENGINE=InnoDB`.execute(db)
  await sql`ALTER TABLE chat_events ADD COLUMN detail VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL`.execute(
    db,
  )
  await sql`ALTER TABLE chat_members ADD KEY chat_members_read (chat_id, last_read_message_id, user_id)`.execute(
    db,
  )
  await sql`ALTER TABLE users
    ADD COLUMN last_seen_at DATETIME(3) NULL,
    ADD COLUMN presence_hidden TINYINT(1) NOT NULL DEFAULT 0`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users DROP COLUMN last_seen_at, DROP COLUMN presence_hidden`.execute(db)
  await sql`ALTER TABLE chat_members DROP KEY chat_members_read`.execute(db)
  await sql`ALTER TABLE chat_events DROP COLUMN detail`.execute(db)
  await sql`DROP TABLE IF EXISTS message_reaction_counts`.execute(db)
  await sql`DROP TABLE IF EXISTS message_reactions`.execute(db)
}
