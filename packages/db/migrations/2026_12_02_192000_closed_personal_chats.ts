import { sql, type Kysely } from 'kysely'
import { createSendMessage } from './2026_12_02_103000_files_avatars_attachment_links'

const id = sql`CHAR(36) CHARACTER SET ascii COLLATE ascii_bin`

/**
 * A personal chat with a deleted account is closed: it stays readable, and takes no new message.
 * Before, a message to a deleted account was stored and acknowledged, and nobody would ever read
 * it. `chats.closed_at` is set with the account's erasure (and here for accounts deleted already);
 * `send_message` checks it in the chat row it updates anyway, so an open chat's send costs no
 * extra statement, and answers 'closed' after the membership check (an outsider learns nothing).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE chats ADD COLUMN closed_at DATETIME(3) NULL`.execute(db)
  await sql`UPDATE chats c SET c.closed_at = CURRENT_TIMESTAMP(3)
    WHERE c.is_direct = 1 AND EXISTS (SELECT 1 FROM chat_members m JOIN users u ON u.id = m.user_id
      WHERE m.chat_id = c.id AND u.deleted_at IS NOT NULL)`.execute(db)
  await createClosedAwareSendMessage(db)
}

/** This migration's send_message (2026_12_03_060000 replaces it with a batch of sends). */
export const createClosedAwareSendMessage = async (db: Kysely<unknown>) => {
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
    DECLARE v_open INT DEFAULT 0;
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
      WHERE id = p_chat_id AND closed_at IS NULL;
      -- Matched (clients that ask for found rows) or changed: either way an open chat. A row
      -- left as it was (an id older than the last, on another clock) is checked below.
      SET v_open = ROW_COUNT();
      SELECT GROUP_CONCAT(user_id) INTO v_members FROM chat_members
       WHERE chat_id = p_chat_id LOCK IN SHARE MODE;
      IF v_members IS NULL OR FIND_IN_SET(p_sender_id, v_members) = 0 THEN
        ROLLBACK;
        SET v_status = 'not_member', v_members = NULL;
      ELSEIF v_open = 0 AND EXISTS (SELECT 1 FROM chats WHERE id = p_chat_id AND closed_at IS NOT NULL) THEN
        ROLLBACK;
        SET v_status = 'closed', v_members = NULL;
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

export async function down(db: Kysely<unknown>): Promise<void> {
  await createSendMessage(db)
  await sql`ALTER TABLE chats DROP COLUMN closed_at`.execute(db)
}
