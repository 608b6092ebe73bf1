import { sql, type Kysely } from 'kysely'

const id = sql`CHAR(36) CHARACTER SET ascii COLLATE ascii_bin`

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE chats (
    id ${id} NOT NULL PRIMARY KEY,
    title VARCHAR(100) NULL,
    owner_id ${id} NULL,
    direct_key VARCHAR(80) CHARACTER SET ascii COLLATE ascii_bin NULL,
    member_count INT UNSIGNED NOT NULL DEFAULT 0,
    last_message_id ${id} NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY chats_direct_key (direct_key)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`.execute(db)

  await sql`CREATE TABLE chat_members (
    chat_id ${id} NOT NULL,
    user_id ${id} NOT NULL,
    joined_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    last_read_message_id ${id} NULL,
    PRIMARY KEY (chat_id, user_id),
    KEY chat_members_user (user_id, chat_id),
    CONSTRAINT chat_members_chat_fk FOREIGN KEY (chat_id) REFERENCES chats (id) ON DELETE CASCADE,
    CONSTRAINT chat_members_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
  ) ENGINE=InnoDB`.execute(db)

  // The MySQL message store. Ids are UUIDv7, so (chat_id, id) orders a chat's history by time.
  await sql`CREATE TABLE messages (
    id ${id} NOT NULL PRIMARY KEY,
    chat_id ${id} NOT NULL,
    sender_id ${id} NOT NULL,
    client_id ${id} NOT NULL,
    text TEXT NULL,
    image_ids TEXT CHARACTER SET ascii NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    edited_at DATETIME(3) NULL,
    deleted TINYINT(1) NOT NULL DEFAULT 0,
    UNIQUE KEY messages_client (sender_id, client_id),
    KEY messages_chat (chat_id, id)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`.execute(db)

  // Durable event log for replay after reconnects and restarts; ids only grow.
  await sql`CREATE TABLE chat_events (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    chat_id ${id} NOT NULL,
    user_id ${id} NULL,
    type VARCHAR(32) CHARACTER SET ascii NOT NULL,
    message_id ${id} NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    KEY chat_events_chat (chat_id, id),
    KEY chat_events_user (user_id, id)
  ) ENGINE=InnoDB`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS chat_events`.execute(db)
  await sql`DROP TABLE IF EXISTS messages`.execute(db)
  await sql`DROP TABLE IF EXISTS chat_members`.execute(db)
  await sql`DROP TABLE IF EXISTS chats`.execute(db)
}
