import { sql, type Kysely } from 'kysely'

const id = sql`CHAR(36) CHARACTER SET ascii COLLATE ascii_bin`

/** Messages pinned in their chat: for everyone in it, listed latest pinned first. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE pinned_messages (
    chat_id ${id} NOT NULL,
    message_id ${id} NOT NULL,
    pinned_by ${id} NOT NULL,
    pinned_at DATETIME(3) NOT NULL,
    PRIMARY KEY (chat_id, message_id),
    KEY pinned_messages_order (chat_id, pinned_at, message_id),
    CONSTRAINT pinned_messages_chat_fk FOREIGN KEY (chat_id) REFERENCES chats (id) ON DELETE CASCADE,
    CONSTRAINT pinned_messages_message_fk FOREIGN KEY (message_id) REFERENCES messages (id) ON DELETE CASCADE
  ) ENGINE=InnoDB`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS pinned_messages`.execute(db)
}
