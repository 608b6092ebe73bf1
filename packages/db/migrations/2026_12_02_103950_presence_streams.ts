import { sql, type Kysely } from 'kysely'

const id = sql`CHAR(36) CHARACTER SET ascii COLLATE ascii_bin`

/**
 * Presence across instances: a person is online while one of their event streams is open on a
 * live instance. Each instance keeps one row per person with a stream open on it (however many
 * tabs), and its own row with a heartbeat; an instance whose heartbeat stops (a crash) is swept
 * by the others, which mark its people offline (see packages/api/src/presence).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE presence_instances (
    id ${id} NOT NULL PRIMARY KEY,
    seen_at DATETIME(3) NOT NULL,
    KEY presence_instances_seen (seen_at)
  ) ENGINE=InnoDB`.execute(db)
  await sql`CREATE TABLE presence_streams (
    user_id ${id} NOT NULL,
    instance_id ${id} NOT NULL,
    since DATETIME(3) NOT NULL,
    PRIMARY KEY (user_id, instance_id),
    KEY presence_streams_instance (instance_id, user_id),
    CONSTRAINT presence_streams_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
  ) ENGINE=InnoDB`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS presence_streams`.execute(db)
  await sql`DROP TABLE IF EXISTS presence_instances`.execute(db)
}
