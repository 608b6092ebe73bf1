import { sql, type Kysely } from 'kysely'

const id = sql`CHAR(36) CHARACTER SET ascii COLLATE ascii_bin`

/**
 * Issue #14, account safety:
 * - users.deleted_at: a deleted account stays as a row (its messages keep their sender) with its
 *   login, email and password erased; see docs/accounts.md.
 * - user_totp: a TOTP secret, encrypted by the server (AES-256-GCM), pending until a code confirms
 *   it; last_step is the last time step a code was accepted for, so a code is never taken twice.
 * - user_recovery_codes: ten single-use codes, stored only as keyed hashes.
 * - change_password / check_password: the same scheme as register_user — a new random salt of
 *   32–64 characters is drawn in the database for every new password.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN deleted_at DATETIME(3) NULL`.execute(db)
  await sql`CREATE TABLE user_totp (
    user_id ${id} NOT NULL PRIMARY KEY,
    secret_enc VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    enabled_at DATETIME(3) NULL,
    last_step BIGINT UNSIGNED NOT NULL DEFAULT 0,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    CONSTRAINT user_totp_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
  ) ENGINE=InnoDB`.execute(db)
  await sql`CREATE TABLE user_recovery_codes (
    user_id ${id} NOT NULL,
    code_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    used_at DATETIME(3) NULL,
    PRIMARY KEY (user_id, code_hash),
    CONSTRAINT user_recovery_codes_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
  ) ENGINE=InnoDB`.execute(db)

  // One row: whether the secret matches the stored password of this (not deleted) user.
  await sql`CREATE PROCEDURE check_password(IN p_id CHAR(36), IN p_secret VARCHAR(128))
  BEGIN
    SELECT password_hash = SHA2(CONCAT(p_secret, password_salt), 256) AS matches
    FROM users WHERE id = p_id AND deleted_at IS NULL;
  END`.execute(db)

  // Replaces the password only when the old one matches, in one statement, with a new salt.
  await sql`CREATE PROCEDURE change_password(
    IN p_id CHAR(36), IN p_old_secret VARCHAR(128), IN p_new_secret VARCHAR(128))
  BEGIN
    DECLARE v_salt VARCHAR(64);
    SET v_salt = LEFT(TO_BASE64(RANDOM_BYTES(48)), 32 + FLOOR(RAND() * 33));
    UPDATE users SET password_hash = SHA2(CONCAT(p_new_secret, v_salt), 256), password_salt = v_salt
    WHERE id = p_id AND deleted_at IS NULL
      AND password_hash = SHA2(CONCAT(p_old_secret, password_salt), 256);
    SELECT ROW_COUNT() AS changed;
  END`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP PROCEDURE IF EXISTS change_password`.execute(db)
  await sql`DROP PROCEDURE IF EXISTS check_password`.execute(db)
  await sql`DROP TABLE IF EXISTS user_recovery_codes`.execute(db)
  await sql`DROP TABLE IF EXISTS user_totp`.execute(db)
  await sql`ALTER TABLE users DROP COLUMN deleted_at`.execute(db)
}
