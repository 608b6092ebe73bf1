import { sql, type Kysely } from 'kysely'

const id = sql`CHAR(36) CHARACTER SET ascii COLLATE ascii_bin`

/**
 * Files, avatars and attachment cleanup (issue #14).
 * - `files`: one row per uploaded file, written after the file is on disk (the commit point).
 * - `messages.file_ids` beside `image_ids`.
 * - `message_attachments`: which live message holds which image or file, so the last message
 *   holding one is found by index when it is deleted, and the sweep finds uploads no message holds.
 *   Filled by `send_message` in the send's own transaction; back-filled here from `image_ids`.
 * - `users.avatar_id`, `chats.avatar_id`: the current avatar's files (DATA_DIR/avatars/<id>).
 * `send_message` as in 2026_12_02_101000 (mentions), storing `file_ids` and the attachment links too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE files (
    id ${id} NOT NULL PRIMARY KEY,
    owner_id ${id} NOT NULL,
    name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    content_type VARCHAR(127) CHARACTER SET ascii NOT NULL,
    size BIGINT UNSIGNED NOT NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    KEY files_owner (owner_id, id),
    KEY files_created (created_at),
    CONSTRAINT files_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE
  ) ENGINE=InnoDB`.execute(db)
  await sql`CREATE TABLE message_attachments (
    attachment_id ${id} NOT NULL,
    message_id ${id} NOT NULL,
    PRIMARY KEY (attachment_id, message_id),
    KEY message_attachments_message (message_id)
  ) ENGINE=InnoDB`.execute(db)
  await sql`ALTER TABLE images ADD KEY images_created (created_at)`.execute(db)
  await sql`ALTER TABLE messages ADD COLUMN file_ids TEXT CHARACTER SET ascii NULL AFTER image_ids`.execute(
    db,
  )
  await sql`ALTER TABLE users ADD COLUMN avatar_id ${id} NULL, ADD KEY users_avatar (avatar_id)`.execute(
    db,
  )
  await sql`ALTER TABLE chats ADD COLUMN avatar_id ${id} NULL, ADD KEY chats_avatar (avatar_id)`.execute(
    db,
  )
  // Images sent before the links existed: a tombstone already dropped its image_ids.
  await sql`INSERT IGNORE INTO message_attachments (attachment_id, message_id)
    SELECT j.aid, m.id FROM messages m,
      JSON_TABLE(CONCAT('["', REPLACE(m.image_ids, ',', '","'), '"]'), '$[*]'
        COLUMNS (aid CHAR(36) CHARACTER SET ascii PATH '$')) AS j
     WHERE m.image_ids IS NOT NULL AND m.deleted = 0`.execute(db)
  await createSendMessage(db)
}

/** This migration's send_message; a later migration's `down` comes back to it. */
export const createSendMessage = async (db: Kysely<unknown>) => {
  await sql`DROP PROCEDURE IF EXISTS send_message`.execute(db)
  await sql`CREATE PROCEDURE send_message(
    IN p_id ${id}, IN p_chat_id ${id}, IN p_sender_id ${id}, IN p_client_id ${id},
    IN p_text TEXT, IN p_image_ids TEXT CHARACTER SET ascii, IN p_created_at DATETIME(3),
    IN p_reply_to_id ${id}, IN p_file_ids TEXT CHARACTER SET ascii)
  BEGIN
    DECLARE v_duplicate INT DEFAULT 0;
    DECLARE v_status VARCHAR(16) DEFAULT 'sent';
    DECLARE v_event_id BIGINT UNSIGNED DEFAULT NULL;
    DECLARE v_members MEDIUMTEXT CHARACTER SET ascii DEFAULT NULL;
    DECLARE v_rest TEXT CHARACTER SET ascii DEFAULT NULL;
    DECLARE CONTINUE HANDLER FOR 1062 SET v_duplicate = 1;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    SET SESSION group_concat_max_len = 16777216;
    START TRANSACTION;
    INSERT INTO messages (id, chat_id, sender_id, client_id, text, image_ids, file_ids, created_at, reply_to_id)
    VALUES (p_id, p_chat_id, p_sender_id, p_client_id, p_text, p_image_ids, p_file_ids, p_created_at, p_reply_to_id);
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
        -- Mentions: only a text with an @ costs anything here.
        IF LOCATE('@', p_text) > 0 THEN
          CALL store_mentions(p_id, p_chat_id, p_sender_id, p_text);
        END IF;
        -- Which attachments this message holds: at most 10 images and 10 files.
        SET v_rest = CONCAT_WS(',', NULLIF(p_image_ids, ''), NULLIF(p_file_ids, ''));
        WHILE v_rest IS NOT NULL AND v_rest <> '' DO
          INSERT IGNORE INTO message_attachments (attachment_id, message_id)
          VALUES (SUBSTRING_INDEX(v_rest, ',', 1), p_id);
          SET v_rest = IF(LOCATE(',', v_rest) > 0, SUBSTRING(v_rest, LOCATE(',', v_rest) + 1), '');
        END WHILE;
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

/** Back to 2026_12_02_101000's send_message; files and avatars are forgotten. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP PROCEDURE IF EXISTS send_message`.execute(db)
  await sql`CREATE PROCEDURE send_message(
    IN p_id ${id}, IN p_chat_id ${id}, IN p_sender_id ${id}, IN p_client_id ${id},
    IN p_text TEXT, IN p_image_ids TEXT CHARACTER SET ascii, IN p_created_at DATETIME(3),
    IN p_reply_to_id ${id})
  BEGIN
    DECLARE v_duplicate INT DEFAULT 0;
    DECLARE v_status VARCHAR(16) DEFAULT 'sent';
    DECLARE v_event_id BIGINT UNSIGNED DEFAULT NULL;
    DECLARE v_members MEDIUMTEXT CHARACTER SET ascii DEFAULT NULL;
    DECLARE CONTINUE HANDLER FOR 1062 SET v_duplicate = 1;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    SET SESSION group_concat_max_len = 16777216;
    START TRANSACTION;
    INSERT INTO messages (id, chat_id, sender_id, client_id, text, image_ids, created_at, reply_to_id)
    VALUES (p_id, p_chat_id, p_sender_id, p_client_id, p_text, p_image_ids, p_created_at, p_reply_to_id);
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
        -- Mentions: only a text with an @ costs anything here.
        IF LOCATE('@', p_text) > 0 THEN
          CALL store_mentions(p_id, p_chat_id, p_sender_id, p_text);
        END IF;
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
  await sql`ALTER TABLE chats DROP KEY chats_avatar, DROP COLUMN avatar_id`.execute(db)
  await sql`ALTER TABLE users DROP KEY users_avatar, DROP COLUMN avatar_id`.execute(db)
  await sql`ALTER TABLE messages DROP COLUMN file_ids`.execute(db)
  await sql`ALTER TABLE images DROP KEY images_created`.execute(db)
  await sql`DROP TABLE IF EXISTS message_attachments`.execute(db)
  await sql`DROP TABLE IF EXISTS files`.execute(db)
}
