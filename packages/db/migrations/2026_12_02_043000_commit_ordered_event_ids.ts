import { sql, type Kysely } from 'kysely'
import { up as createPreviousSendMessage } from './2026_11_24_170000_create_send_message_procedure'

/**
 * Event ids in commit order, without gaps. AUTO_INCREMENT hands out ids when a row is inserted,
 * not when it commits, so a client resuming between two commits could skip a lower id for good.
 * Now every transaction that writes events takes its ids from a one-row counter as its last
 * statements before COMMIT: the row lock orders them, InnoDB releases it at commit, and a rollback
 * gives the numbers back. So when id n is visible, every id below it is visible too.
 *
 * send_message takes the counter the same way, and it reads the chat's members under the chat's
 * row lock (membership changes take that lock too): a sender removed a moment ago can no longer
 * post, and the audience it answers is exactly the members at this event's place in the log.
 * Answers `status` ('sent', 'duplicate' or 'not_member'), `event_id` and `members` (comma-separated).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE event_seq (
    id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
    n BIGINT UNSIGNED NOT NULL
  ) ENGINE=InnoDB`.execute(db)
  await sql`INSERT INTO event_seq (id, n) SELECT 1, COALESCE(MAX(id), 0) FROM chat_events`.execute(
    db,
  )
  await sql`ALTER TABLE chat_events MODIFY id BIGINT UNSIGNED NOT NULL`.execute(db)

  await sql`DROP PROCEDURE IF EXISTS send_message`.execute(db)
  await sql`CREATE PROCEDURE send_message(
    IN p_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin,
    IN p_chat_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin,
    IN p_sender_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin,
    IN p_client_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin,
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
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE chat_events MODIFY id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT`.execute(db)
  await sql`DROP TABLE IF EXISTS event_seq`.execute(db)
  await sql`DROP PROCEDURE IF EXISTS send_message`.execute(db)
  await createPreviousSendMessage(db)
}
