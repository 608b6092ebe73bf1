import { sql, type Kysely } from 'kysely'

const id = sql`CHAR(36) CHARACTER SET ascii COLLATE ascii_bin`

/**
 * A chat's kind is fixed when it is made (it used to be read from the member count, so a group
 * that dropped to two members turned into a "personal chat"). Leaving a personal chat now hides
 * it for the leaver instead of taking them out, so chat_members learns to hide a chat.
 *
 * Existing rows: createGroup always wrote a non-empty title and the caller as owner, rename keeps
 * a non-empty title and an owner who leaves hands the group on (the last one deletes it), while
 * createDirect wrote neither. So a chat with a title or an owner was made as a group; one with
 * neither was made by createDirect. The one personal chat whose membership could change was one
 * that somebody left (it kept one member and lost its direct key): the leaver is put back as a
 * member who has hidden it, found by the `chat.removed` event the log kept for them, and the pair
 * gets its key back unless they have made a newer personal chat since.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE chats ADD COLUMN is_direct TINYINT(1) NOT NULL DEFAULT 0 AFTER id`.execute(
    db,
  )
  await sql`ALTER TABLE chat_members
    ADD COLUMN hidden TINYINT(1) NOT NULL DEFAULT 0,
    ADD COLUMN hidden_last_message_id ${id} NULL`.execute(db)
  await sql`UPDATE chats SET is_direct = 1 WHERE title IS NULL AND owner_id IS NULL`.execute(db)

  const left = await sql<{ chat_id: string; stayer: string; leaver: string | null }>`
    SELECT c.id AS chat_id, m.user_id AS stayer,
      (SELECT e.user_id FROM chat_events e JOIN users u ON u.id = e.user_id
        WHERE e.chat_id = c.id AND e.type = 'chat.removed' AND e.user_id <> m.user_id
        ORDER BY e.id DESC LIMIT 1) AS leaver
      FROM chats c JOIN chat_members m ON m.chat_id = c.id
     WHERE c.is_direct = 1 AND c.member_count = 1`.execute(db)
  for (const r of left.rows) {
    if (r.leaver === null) continue
    await sql`INSERT IGNORE INTO chat_members
        (chat_id, user_id, joined_at, last_read_message_id, hidden, hidden_last_message_id)
      SELECT id, ${r.leaver}, created_at, last_message_id, 1, last_message_id
        FROM chats WHERE id = ${r.chat_id}`.execute(db)
    const key = r.stayer < r.leaver ? `${r.stayer}:${r.leaver}` : `${r.leaver}:${r.stayer}`
    const taken = await sql`SELECT id FROM chats WHERE direct_key = ${key}`.execute(db)
    await sql`UPDATE chats SET member_count = 2,
        direct_key = ${taken.rows.length === 0 ? key : null}
      WHERE id = ${r.chat_id}`.execute(db)
  }

  // A group never holds a pair's key, so createDirect can only ever find a personal chat.
  await sql`UPDATE chats SET direct_key = NULL WHERE is_direct = 0`.execute(db)
  await sql`ALTER TABLE chats ADD CONSTRAINT chats_group_has_no_direct_key
    CHECK (is_direct = 1 OR direct_key IS NULL)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE chats DROP CONSTRAINT chats_group_has_no_direct_key`.execute(db)
  await sql`ALTER TABLE chat_members DROP COLUMN hidden, DROP COLUMN hidden_last_message_id`.execute(
    db,
  )
  await sql`ALTER TABLE chats DROP COLUMN is_direct`.execute(db)
}
