import { sql, type Kysely } from 'kysely'

const id = sql`CHAR(36) CHARACTER SET ascii COLLATE ascii_bin`

/**
 * `chat_member_versions`: a counter per chat that every change of its members moves, so an
 * instance can keep a chat's member ids in memory and check them with one row, instead of
 * reading a thousand rows for every reaction and every burst of typing in a big group.
 *
 * Triggers move it, so no code path that adds or removes a member can forget to; they run in the
 * changing transaction and hold the row's exclusive lock until it commits. A reader that locks
 * the row in share mode therefore sees members that cannot change before it commits — as a share
 * lock on all the member rows did. Rows removed by a foreign key's cascade fire no trigger: only a
 * chat's own deletion cascades here, and that takes its counter with it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE chat_member_versions (
    chat_id ${id} NOT NULL PRIMARY KEY,
    version BIGINT UNSIGNED NOT NULL,
    CONSTRAINT chat_member_versions_chat_fk FOREIGN KEY (chat_id) REFERENCES chats (id) ON DELETE CASCADE
  ) ENGINE=InnoDB`.execute(db)
  await sql`INSERT INTO chat_member_versions (chat_id, version)
    SELECT chat_id, 1 FROM chat_members GROUP BY chat_id`.execute(db)
  await sql`CREATE TRIGGER chat_members_added AFTER INSERT ON chat_members FOR EACH ROW
    INSERT INTO chat_member_versions (chat_id, version) VALUES (NEW.chat_id, 1)
      ON DUPLICATE KEY UPDATE version = version + 1`.execute(db)
  await sql`CREATE TRIGGER chat_members_removed AFTER DELETE ON chat_members FOR EACH ROW
    UPDATE chat_member_versions SET version = version + 1 WHERE chat_id = OLD.chat_id`.execute(db)
  // Preferences (mute, archive, read marks) change member rows all day and move nothing.
  await sql`CREATE TRIGGER chat_members_moved AFTER UPDATE ON chat_members FOR EACH ROW
    IF NEW.chat_id <> OLD.chat_id OR NEW.user_id <> OLD.user_id THEN
      INSERT INTO chat_member_versions (chat_id, version) VALUES (NEW.chat_id, 1)
        ON DUPLICATE KEY UPDATE version = version + 1;
      UPDATE chat_member_versions SET version = version + 1 WHERE chat_id = OLD.chat_id;
    END IF`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS chat_members_moved`.execute(db)
  await sql`DROP TRIGGER IF EXISTS chat_members_removed`.execute(db)
  await sql`DROP TRIGGER IF EXISTS chat_members_added`.execute(db)
  await sql`DROP TABLE IF EXISTS chat_member_versions`.execute(db)
}
