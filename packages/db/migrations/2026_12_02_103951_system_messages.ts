import { sql, type Kysely } from 'kysely'

/**
 * System messages: "Ann created the group", "added Bob", "removed Carl", "renamed it", "left".
 * A message row whose `system_event` holds what happened as JSON (kind, ids, title), its sender
 * the person who did it, without text; written with the change and its event, so history pages,
 * read marks and live delivery treat it like every other message. Clients translate it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE messages ADD COLUMN system_event TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE messages DROP COLUMN system_event`.execute(db)
}
