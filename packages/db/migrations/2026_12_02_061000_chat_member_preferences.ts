import { sql, type Kysely } from 'kysely'

/**
 * Each member's own view of a chat: muted (its unread messages do not count in the title or
 * notify), archived (out of the main list, in the archive) and pinned (at the top, in pin order).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE chat_members
    ADD COLUMN muted TINYINT(1) NOT NULL DEFAULT 0,
    ADD COLUMN archived TINYINT(1) NOT NULL DEFAULT 0,
    ADD COLUMN pinned_at DATETIME(3) NULL,
    ADD KEY chat_members_pinned (user_id, pinned_at)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE chat_members
    DROP KEY chat_members_pinned,
    DROP COLUMN muted, DROP COLUMN archived, DROP COLUMN pinned_at`.execute(db)
}
