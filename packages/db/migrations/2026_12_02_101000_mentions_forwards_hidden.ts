import { sql, type Kysely } from 'kysely'

const id = sql`CHAR(36) CHARACTER SET ascii COLLATE ascii_bin`

/**
 * Issue #13: mentions, forwards and "delete for me".
 * - message_mentions: who a message mentions (members only, never its sender), stored by
 *   send_message in the send's own transaction. Keyed (user_id, chat_id, message_id), so a chat's
 *   unread mentions of one person are a range of it from their read mark.
 * - hidden_messages: messages a person deleted for themselves, keyed (user_id, chat_id,
 *   message_id): history pages, unread counts and the chat list probe it by its whole key.
 * - messages.forwarded_from_id / forwarded_sender_id: the original message and its sender.
 * - store_mentions: the `@login` grammar of @messenger/shared's findMentions, in SQL: an `@` at the
 *   start or after a character other than a letter, digit or `_`, then a run of login characters
 *   without trailing dots or hyphens, 3–32 long; at most MAX_MENTIONS (50) `@`s are looked at.
 * - send_message as in 2026_12_02_073000 (same signature), calling store_mentions when the text
 *   holds an `@`: no statement more for a text without one, and no round trip more for one with.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE message_mentions (
    user_id ${id} NOT NULL,
    chat_id ${id} NOT NULL,
    message_id ${id} NOT NULL,
    PRIMARY KEY (user_id, chat_id, message_id),
    KEY message_mentions_message (message_id),
    CONSTRAINT message_mentions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT message_mentions_message_fk FOREIGN KEY (message_id) REFERENCES messages (id) ON DELETE CASCADE
  ) ENGINE=InnoDB`.execute(db)
  await sql`CREATE TABLE hidden_messages (
    user_id ${id} NOT NULL,
    chat_id ${id} NOT NULL,
    message_id ${id} NOT NULL,
    hidden_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (user_id, chat_id, message_id),
    KEY hidden_messages_message (message_id),
    CONSTRAINT hidden_messages_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT hidden_messages_message_fk FOREIGN KEY (message_id) REFERENCES messages (id) ON DELETE CASCADE
  ) ENGINE=InnoDB`.execute(db)
  await sql`ALTER TABLE messages
    ADD COLUMN forwarded_from_id ${id} NULL,
    ADD COLUMN forwarded_sender_id ${id} NULL`.execute(db)
  await sql`DROP PROCEDURE IF EXISTS store_mentions`.execute(db)
  await sql`CREATE PROCEDURE store_mentions(
    IN p_id ${id}, IN p_chat_id ${id}, IN p_sender_id ${id},
    IN p_text TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci)
  BEGIN
    DECLARE v_pos INT DEFAULT 1;
    DECLARE v_at INT DEFAULT 0;
    DECLARE v_seen INT DEFAULT 0;
    DECLARE v_login VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    scan: LOOP
      SET v_at = LOCATE('@', p_text, v_pos);
      IF v_at = 0 OR v_seen >= 50 THEN LEAVE scan; END IF;
      SET v_seen = v_seen + 1, v_pos = v_at + 1;
      IF v_at = 1 OR SUBSTRING(p_text, v_at - 1, 1) NOT REGEXP '^[A-Za-z0-9_]$' THEN
        SET v_login = REGEXP_REPLACE(
          COALESCE(REGEXP_SUBSTR(SUBSTRING(p_text, v_at + 1, 64), '^[A-Za-z0-9_.-]+'), ''),
          '[.-]+$', '');
        IF CHAR_LENGTH(v_login) BETWEEN 3 AND 32 THEN
          INSERT INTO message_mentions (user_id, chat_id, message_id)
          SELECT u.id, p_chat_id, p_id FROM users u
            JOIN chat_members m ON m.chat_id = p_chat_id AND m.user_id = u.id
           WHERE u.login = v_login AND u.id <> p_sender_id
          ON DUPLICATE KEY UPDATE message_id = VALUES(message_id);
        END IF;
      END IF;
    END LOOP;
  END`.execute(db)
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
}

/** Back to 2026_12_02_073000's send_message. */
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
  await sql`DROP PROCEDURE IF EXISTS store_mentions`.execute(db)
  await sql`ALTER TABLE messages DROP COLUMN forwarded_from_id, DROP COLUMN forwarded_sender_id`.execute(
    db,
  )
  await sql`DROP TABLE IF EXISTS hidden_messages`.execute(db)
  await sql`DROP TABLE IF EXISTS message_mentions`.execute(db)
}
