import { sql, type Kysely } from 'kysely'

/**
 * `append_events`: the end of every transaction that logs events (appendEvents), in one round
 * trip. It takes ids from the commit-ordered counter, inserts the events and commits, so the
 * counter's row lock — which every event-writing transaction on every instance queues for — is
 * held inside the server for microseconds. Before, it was held across two more round trips and
 * whatever the Node event loop was doing in between (a flush to a thousand sockets, say), and
 * sends and reactions queued behind it. The JSON columns are wider than the table's, so a value
 * too long fails the insert (strict mode) rather than being cut to fit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP PROCEDURE IF EXISTS append_events`.execute(db)
  await sql`CREATE PROCEDURE append_events(IN p_events LONGTEXT CHARACTER SET utf8mb4)
  BEGIN
    DECLARE v_count INT UNSIGNED DEFAULT JSON_LENGTH(p_events);
    DECLARE v_last BIGINT UNSIGNED;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    UPDATE event_seq SET n = LAST_INSERT_ID(n + v_count) WHERE id = 1;
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

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP PROCEDURE IF EXISTS append_events`.execute(db)
}
