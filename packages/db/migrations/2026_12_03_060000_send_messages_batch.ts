import { sql, type Kysely } from 'kysely'
import { createClosedAwareSendMessage } from './2026_12_02_192000_closed_personal_chats'

const id = sql`CHAR(36) CHARACTER SET ascii COLLATE ascii_bin`

/**
 * `send_messages` stores a batch of sends in one transaction: what `send_message` did for one,
 * each message keeping its own outcome. Measured on the send benchmark's database, one send per
 * call cost MariaDB 0.55–0.7 ms of CPU, most of it 50 connections queueing on `event_seq`'s row
 * lock; a batch takes that lock once for all its messages and costs 0.21–0.24 ms a message.
 *
 * Input: a JSON array of {id, chatId, senderId, clientId, text, imageIds, fileIds, createdAt
 * ('YYYY-MM-DD hh:mm:ss.fff', UTC), replyToId, knownVersion, knownMember}, sorted by chat so that
 * batches lock chats in one order. Each message runs as before (duplicate by its clientId, then
 * the chat's activity, then membership, then closed), behind a savepoint, so one refused message
 * leaves no trace and does not hold the others back. The events of the sent ones take consecutive
 * ids, last before COMMIT, as every writer of the log does.
 *
 * Membership: the chat's `chat_member_versions` row is share-locked (no member can come or go
 * until the commit). When its version is the caller's `knownVersion`, the caller's list is the
 * audience and `knownMember` says whether the sender is in it; otherwise the members are read
 * (GROUP_CONCAT, which cost MariaDB ~50 µs a message more than the version's key lookup).
 *
 * Answers one row: `results`, a JSON array in input order of {id, status, n (the 1-based rank
 * among the sent, for the event id), version (the member version), members (null when it is the
 * caller's known version)}, and `first_event_id`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP PROCEDURE IF EXISTS send_message`.execute(db)
  await sql`CREATE PROCEDURE send_messages(IN p_batch LONGTEXT CHARACTER SET utf8mb4)
  BEGIN
    DECLARE v_done INT DEFAULT 0;
    DECLARE v_duplicate INT DEFAULT 0;
    DECLARE v_id ${id};
    DECLARE v_chat_id ${id};
    DECLARE v_sender_id ${id};
    DECLARE v_client_id ${id};
    DECLARE v_reply_to_id ${id};
    DECLARE v_text TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    DECLARE v_image_ids TEXT CHARACTER SET ascii;
    DECLARE v_file_ids TEXT CHARACTER SET ascii;
    DECLARE v_created_at DATETIME(3);
    DECLARE v_status VARCHAR(16) CHARACTER SET ascii;
    DECLARE v_members MEDIUMTEXT CHARACTER SET ascii DEFAULT NULL;
    DECLARE v_members_of ${id} DEFAULT NULL;
    DECLARE v_version BIGINT UNSIGNED DEFAULT NULL;
    DECLARE v_known_version BIGINT UNSIGNED DEFAULT NULL;
    DECLARE v_known_member INT DEFAULT 0;
    DECLARE v_member INT DEFAULT 0;
    DECLARE v_open INT DEFAULT 0;
    DECLARE v_rest TEXT CHARACTER SET ascii;
    DECLARE v_sent INT DEFAULT 0;
    DECLARE v_first BIGINT UNSIGNED DEFAULT NULL;
    DECLARE v_results LONGTEXT CHARACTER SET utf8mb4 DEFAULT '';
    DECLARE v_events LONGTEXT CHARACTER SET utf8mb4 DEFAULT '';
    DECLARE batch CURSOR FOR SELECT * FROM JSON_TABLE(p_batch, '$[*]' COLUMNS (
        id VARCHAR(36) PATH '$.id', chat_id VARCHAR(36) PATH '$.chatId',
        sender_id VARCHAR(36) PATH '$.senderId', client_id VARCHAR(36) PATH '$.clientId',
        text LONGTEXT PATH '$.text', image_ids TEXT PATH '$.imageIds',
        file_ids TEXT PATH '$.fileIds', created_at VARCHAR(32) PATH '$.createdAt',
        reply_to_id VARCHAR(36) PATH '$.replyToId', known_version BIGINT PATH '$.knownVersion',
        known_member INT PATH '$.knownMember')) AS b;
    DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_done = 1;
    DECLARE CONTINUE HANDLER FOR 1062 SET v_duplicate = 1;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    SET SESSION group_concat_max_len = 16777216;
    START TRANSACTION;
    OPEN batch;
    each_message: LOOP
      FETCH batch INTO v_id, v_chat_id, v_sender_id, v_client_id, v_text, v_image_ids,
        v_file_ids, v_created_at, v_reply_to_id, v_known_version, v_known_member;
      IF v_done = 1 THEN LEAVE each_message; END IF;
      SET v_duplicate = 0, v_status = 'sent';
      SAVEPOINT one_message;
      INSERT INTO messages (id, chat_id, sender_id, client_id, text, image_ids, file_ids, created_at, reply_to_id)
      VALUES (v_id, v_chat_id, v_sender_id, v_client_id, v_text, v_image_ids, v_file_ids, v_created_at, v_reply_to_id);
      IF v_duplicate = 1 THEN
        SET v_status = 'duplicate';
      ELSE
        UPDATE chats SET
          last_message_id = IF(last_message_id IS NULL OR last_message_id < v_id, v_id, last_message_id),
          updated_at = GREATEST(updated_at, v_created_at)
        WHERE id = v_chat_id AND closed_at IS NULL;
        -- Matched (clients that ask for found rows) or changed: either way an open chat. A row
        -- left as it was (an id older than the last, on another clock) is checked below.
        SET v_open = ROW_COUNT();
        -- The member version, read once per run of one chat's messages under a share lock that
        -- keeps membership still until the commit. The caller's list at that version is the
        -- audience (and says whether the sender is in it); only a list that changed is read.
        IF v_members_of IS NULL OR v_members_of <> v_chat_id THEN
          SELECT MAX(version) INTO v_version FROM chat_member_versions
           WHERE chat_id = v_chat_id LOCK IN SHARE MODE;
          SET v_members_of = v_chat_id, v_members = NULL;
        END IF;
        IF v_version IS NULL THEN
          SET v_member = 0;
        ELSEIF v_version = v_known_version THEN
          SET v_member = v_known_member;
        ELSE
          IF v_members IS NULL THEN
            SELECT GROUP_CONCAT(user_id) INTO v_members FROM chat_members
             WHERE chat_id = v_chat_id LOCK IN SHARE MODE;
          END IF;
          SET v_member = COALESCE(FIND_IN_SET(v_sender_id, v_members), 0) > 0;
        END IF;
        IF v_member = 0 THEN
          ROLLBACK TO SAVEPOINT one_message;
          SET v_status = 'not_member', v_members_of = NULL;
        ELSEIF v_open = 0 AND EXISTS (SELECT 1 FROM chats WHERE id = v_chat_id AND closed_at IS NOT NULL) THEN
          ROLLBACK TO SAVEPOINT one_message;
          SET v_status = 'closed', v_members_of = NULL;
        ELSE
          -- Mentions: only a text with an @ costs anything here.
          IF LOCATE('@', v_text) > 0 THEN
            CALL store_mentions(v_id, v_chat_id, v_sender_id, v_text);
          END IF;
          -- Which attachments this message holds: at most 10 images and 10 files.
          IF v_image_ids IS NOT NULL OR v_file_ids IS NOT NULL THEN
            SET v_rest = CONCAT_WS(',', NULLIF(v_image_ids, ''), NULLIF(v_file_ids, ''));
            WHILE v_rest <> '' DO
              INSERT IGNORE INTO message_attachments (attachment_id, message_id)
              VALUES (SUBSTRING_INDEX(v_rest, ',', 1), v_id);
              SET v_rest = IF(LOCATE(',', v_rest) > 0, SUBSTRING(v_rest, LOCATE(',', v_rest) + 1), '');
            END WHILE;
          END IF;
          -- One SET for both (each statement of a procedure has a cost of its own).
          SET v_events = CONCAT(v_events, IF(v_sent = 0, '', ','),
              JSON_OBJECT('id', v_id, 'chatId', v_chat_id, 'createdAt', v_created_at)),
            v_sent = v_sent + 1;
        END IF;
      END IF;
      SET v_results = CONCAT(v_results, IF(v_results = '', '', ','), JSON_OBJECT(
          'id', v_id, 'status', v_status, 'n', IF(v_status = 'sent', v_sent, NULL),
          'version', IF(v_status = 'sent', v_version, NULL),
          'members', IF(v_status <> 'sent' OR v_known_version <=> v_version, NULL, v_members)));
    END LOOP;
    CLOSE batch;
    IF v_sent > 0 THEN
      -- Last before COMMIT: the counter's row lock orders event ids by commit.
      UPDATE event_seq SET n = LAST_INSERT_ID(n + v_sent) WHERE id = 1;
      SET v_first = LAST_INSERT_ID() - v_sent + 1;
      INSERT INTO chat_events (id, chat_id, type, message_id, created_at)
      SELECT v_first + e.n - 1, e.chat_id, 'message.created', e.id, e.created_at
        FROM JSON_TABLE(CONCAT('[', v_events, ']'), '$[*]' COLUMNS (n FOR ORDINALITY,
          id VARCHAR(36) PATH '$.id', chat_id VARCHAR(36) PATH '$.chatId',
          created_at DATETIME(3) PATH '$.createdAt')) AS e;
    END IF;
    COMMIT;
    SELECT CONCAT('[', v_results, ']') AS results, v_first AS first_event_id;
  END`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP PROCEDURE IF EXISTS send_messages`.execute(db)
  await createClosedAwareSendMessage(db)
}
