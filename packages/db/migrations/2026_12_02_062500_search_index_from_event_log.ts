import { sql, type Kysely } from 'kysely'

const id = sql`CHAR(36) CHARACTER SET ascii COLLATE ascii_bin`

/**
 * Search becomes an index derived from the event log (packages/api/src/search):
 * - `search_index_cursors`: per index, the last event it has applied. The indexer locks the row
 *   (`FOR UPDATE SKIP LOCKED`) while it applies a batch, so one instance at a time does.
 * - The MySQL index's cursor starts at the current end of the log: until now every send, edit
 *   and delete wrote its postings in its own transaction, so the index is complete up to there.
 * - `search_postings_chat`: a deleted chat's postings are dropped by chat.
 * - `send_message` as in 2026_12_02_043000 (ascii_bin id parameters, members read under the
 *   chat's lock, the event counter taken last), but it writes no postings, and a chat's last
 *   message only ever moves forward, whichever of two concurrent sends commits last.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE search_index_cursors (
    name VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    event_id BIGINT UNSIGNED NOT NULL DEFAULT 0,
    updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
  ) ENGINE=InnoDB`.execute(db)
  await sql`INSERT INTO search_index_cursors (name, event_id)
    SELECT 'mysql', n FROM event_seq WHERE id = 1`.execute(db)
  await sql`ALTER TABLE search_postings ADD KEY search_postings_chat (chat_id)`.execute(db)

  await sql`DROP PROCEDURE IF EXISTS send_message`.execute(db)
  await sql`CREATE PROCEDURE send_message(
    IN p_id ${id}, IN p_chat_id ${id}, IN p_sender_id ${id}, IN p_client_id ${id},
    IN p_text TEXT, IN p_image_ids TEXT CHARACTER SET ascii, IN p_created_at DATETIME(3))
  BEGIN
    DECLARE v_duplicate INT DEFAULT 0;
    DECLARE v_status VARCHAR(16) DEFAULT 'sent';
    DECLARE v_event_id BIGINT UNSIGNED DEFAULT NULL;
    DECLARE v_members MEDIUMTEXT CHARACTER SET ascii DEFAULT NULL;
    DECLARE CONTINUE HANDLER FOR 1062 SET v_duplicate = 1;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    SET SESSION group_concat_max_len = 16777216;
    START TRANSACTION;
    INSERT INTO messages (id, chat_id, sender_id, client_id, text, image_ids, created_at)
    VALUES (p_id, p_chat_id, p_sender_id, p_client_id, p_text, p_image_ids, p_created_at);
    IF v_duplicate = 1 THEN
      ROLLBACK;
      SET v_status = 'duplicate';
    ELSE
      UPDATE chats SET
        last_message_id = IF(last_message_id IS NULL OR last_message_id < p_id, p_id, last_message_id),
        updated_at = GREATEST(updated_at, p_created_at)
      WHERE id = p_chat_id;
      SELECT GROUP_CONCAT(user_id) INTO v_members FROM chat_members
       WHERE chat_id = p_chat_id LOCK IN SHARE MODE;
      IF v_members IS NULL OR FIND_IN_SET(p_sender_id, v_members) = 0 THEN
        ROLLBACK;
        SET v_status = 'not_member', v_members = NULL;
      ELSE
        -- Last before COMMIT: the counter's row lock orders event ids by commit.
        UPDATE event_seq SET n = LAST_INSERT_ID(n + 1) WHERE id = 1;
        SET v_event_id = LAST_INSERT_ID();
        INSERT INTO chat_events (id, chat_id, type, message_id, created_at)
        VALUES (v_event_id, p_chat_id, 'message.created', p_id, p_created_at);
        COMMIT;
      END IF;
    END IF;
    SELECT v_status AS status, v_event_id AS event_id, v_members AS members;
  END`.execute(db)
}

/** Back to 2026_12_02_043000's send_message, which writes postings itself. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP PROCEDURE IF EXISTS send_message`.execute(db)
  await sql`CREATE PROCEDURE send_message(
    IN p_id ${id}, IN p_chat_id ${id}, IN p_sender_id ${id}, IN p_client_id ${id},
    IN p_text TEXT, IN p_image_ids TEXT CHARACTER SET ascii, IN p_created_at DATETIME(3),
    IN p_term_ids TEXT CHARACTER SET ascii)
  BEGIN
    DECLARE v_duplicate INT DEFAULT 0;
    DECLARE v_status VARCHAR(16) DEFAULT 'sent';
    DECLARE v_event_id BIGINT UNSIGNED DEFAULT NULL;
    DECLARE v_members MEDIUMTEXT CHARACTER SET ascii DEFAULT NULL;
    DECLARE CONTINUE HANDLER FOR 1062 SET v_duplicate = 1;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    SET SESSION group_concat_max_len = 16777216;
    START TRANSACTION;
    INSERT INTO messages (id, chat_id, sender_id, client_id, text, image_ids, created_at)
    VALUES (p_id, p_chat_id, p_sender_id, p_client_id, p_text, p_image_ids, p_created_at);
    IF v_duplicate = 1 THEN
      ROLLBACK;
      SET v_status = 'duplicate';
    ELSE
      UPDATE chats SET updated_at = p_created_at, last_message_id = p_id WHERE id = p_chat_id;
      SELECT GROUP_CONCAT(user_id) INTO v_members FROM chat_members
       WHERE chat_id = p_chat_id LOCK IN SHARE MODE;
      IF v_members IS NULL OR FIND_IN_SET(p_sender_id, v_members) = 0 THEN
        ROLLBACK;
        SET v_status = 'not_member', v_members = NULL;
      ELSE
        INSERT IGNORE INTO search_postings (term_id, chat_id, message_id)
          SELECT t.id, UNHEX(REPLACE(p_chat_id, '-', '')), UNHEX(REPLACE(p_id, '-', ''))
            FROM JSON_TABLE(p_term_ids, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) AS t;
        UPDATE event_seq SET n = LAST_INSERT_ID(n + 1) WHERE id = 1;
        SET v_event_id = LAST_INSERT_ID();
        INSERT INTO chat_events (id, chat_id, type, message_id, created_at)
        VALUES (v_event_id, p_chat_id, 'message.created', p_id, p_created_at);
        COMMIT;
      END IF;
    END IF;
    SELECT v_status AS status, v_event_id AS event_id, v_members AS members;
  END`.execute(db)
  await sql`ALTER TABLE search_postings DROP KEY search_postings_chat`.execute(db)
  await sql`DROP TABLE IF EXISTS search_index_cursors`.execute(db)
}
