import { sql, type Kysely } from 'kysely'
import { up as previous } from './2026_12_02_160000_append_events_procedure'

/**
 * `append_events` refuses to run without the counter's row, or with no events. Before, an UPDATE
 * that matched nothing left `LAST_INSERT_ID()` at the connection's previous value, so the ids
 * came from whatever that was: the insert most likely failed on a duplicate key with an error
 * that did not name the cause, and at worst logged events under ids already handed out.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP PROCEDURE IF EXISTS append_events`.execute(db)
  await sql`CREATE PROCEDURE append_events(IN p_events LONGTEXT CHARACTER SET utf8mb4)
  BEGIN
    DECLARE v_count INT UNSIGNED DEFAULT JSON_LENGTH(p_events);
    DECLARE v_last BIGINT UNSIGNED;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    IF v_count IS NULL OR v_count = 0 THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'append_events needs a JSON array of events';
    END IF;
    UPDATE event_seq SET n = LAST_INSERT_ID(n + v_count) WHERE id = 1;
    IF ROW_COUNT() <> 1 THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'event_seq has no row 1: run the migrations';
    END IF;
    SET v_last = LAST_INSERT_ID();
    INSERT INTO chat_events (id, chat_id, type, message_id, user_id, detail)
    SELECT v_last - v_count + e.ord, e.chat_id, e.type, e.message_id, e.user_id, e.detail
      FROM JSON_TABLE(p_events, '$[*]' COLUMNS (
        ord FOR ORDINALITY,
        chat_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin PATH '$.chatId',
        type VARCHAR(64) CHARACTER SET ascii PATH '$.type',
        message_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin PATH '$.messageId',
        user_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin PATH '$.userId',
        detail TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$.detail')) AS e;
    COMMIT;
    SELECT v_last - v_count + 1 AS first_id;
  END`.execute(db)
}

/** Back to the unguarded procedure of 2026_12_02_160000. */
export const down = previous
