import { sql, type Kysely } from 'kysely'

/**
 * send_message declared its id parameters as bare CHAR(36), which takes the database's default
 * character set, while the id columns are ascii_bin. Comparing the two converted the column, so
 * `UPDATE chats … WHERE id = p_chat_id` scanned and locked every chat on every send (206 calls/s
 * instead of 2,034 on a 2-core machine). The same procedure, with parameters declared like the
 * columns they meet. Checked by packages/db/src/queries/hot-statements.test.ts.
 */
const create = (id: ReturnType<typeof sql>, ids: ReturnType<typeof sql>) => sql`
  CREATE PROCEDURE send_message(
    IN p_id ${id}, IN p_chat_id ${id}, IN p_sender_id ${id}, IN p_client_id ${id},
    IN p_text TEXT, IN p_image_ids ${ids}, IN p_created_at DATETIME(3), IN p_term_ids TEXT)
  BEGIN
    DECLARE v_duplicate INT DEFAULT 0;
    DECLARE v_event_id BIGINT UNSIGNED DEFAULT NULL;
    DECLARE CONTINUE HANDLER FOR 1062 SET v_duplicate = 1;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    START TRANSACTION;
    INSERT INTO messages (id, chat_id, sender_id, client_id, text, image_ids, created_at)
    VALUES (p_id, p_chat_id, p_sender_id, p_client_id, p_text, p_image_ids, p_created_at);
    IF v_duplicate = 1 THEN
      ROLLBACK;
    ELSE
      INSERT IGNORE INTO search_postings (term_id, chat_id, message_id)
        SELECT t.id, UNHEX(REPLACE(p_chat_id, '-', '')), UNHEX(REPLACE(p_id, '-', ''))
          FROM JSON_TABLE(p_term_ids, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) AS t;
      UPDATE chats SET updated_at = p_created_at, last_message_id = p_id WHERE id = p_chat_id;
      INSERT INTO chat_events (chat_id, type, message_id, created_at)
      VALUES (p_chat_id, 'message.created', p_id, p_created_at);
      SET v_event_id = LAST_INSERT_ID();
      COMMIT;
    END IF;
    SELECT v_event_id AS event_id;
  END`

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP PROCEDURE IF EXISTS send_message`.execute(db)
  await create(
    sql`CHAR(36) CHARACTER SET ascii COLLATE ascii_bin`,
    sql`TEXT CHARACTER SET ascii`,
  ).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP PROCEDURE IF EXISTS send_message`.execute(db)
  await create(sql`CHAR(36)`, sql`TEXT`).execute(db)
}
