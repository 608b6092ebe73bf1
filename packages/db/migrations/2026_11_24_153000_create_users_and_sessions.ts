import { sql, type Kysely } from 'kysely'

const id = sql`CHAR(36) CHARACTER SET ascii COLLATE ascii_bin`

export async function up(db: Kysely<unknown>): Promise<void> {
  // Login and email compare without case through the column collation, so UNIQUE covers both.
  await sql`CREATE TABLE users (
    id ${id} NOT NULL PRIMARY KEY,
    login VARCHAR(32) NOT NULL COLLATE utf8mb4_unicode_ci,
    email VARCHAR(254) NOT NULL COLLATE utf8mb4_unicode_ci,
    first_name VARCHAR(64) NOT NULL,
    last_name VARCHAR(64) NOT NULL,
    password_hash CHAR(64) NOT NULL,
    password_salt VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY users_login (login),
    UNIQUE KEY users_email (email),
    KEY users_first_name (first_name),
    KEY users_last_name (last_name)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`.execute(db)

  await sql`CREATE TABLE sessions (
    id ${id} NOT NULL PRIMARY KEY,
    user_id ${id} NOT NULL,
    user_agent VARCHAR(512) NULL,
    ip VARCHAR(64) NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    last_used_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    revoked_at DATETIME(3) NULL,
    KEY sessions_user (user_id, revoked_at),
    CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`.execute(db)

  // Only a hash of each refresh token is kept; a used row stays so reuse can be recognised.
  await sql`CREATE TABLE refresh_tokens (
    token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    session_id ${id} NOT NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    expires_at DATETIME(3) NOT NULL,
    used_at DATETIME(3) NULL,
    KEY refresh_tokens_session (session_id),
    CONSTRAINT refresh_tokens_session_fk FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
  ) ENGINE=InnoDB`.execute(db)

  await sql`CREATE TABLE login_failures (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    scope VARCHAR(300) NOT NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    KEY login_failures_scope (scope, created_at)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`.execute(db)

  // The per-user salt is drawn here, in the database: 32–64 characters of base64 from RANDOM_BYTES.
  // p_secret is the server's peppered, slow hash of the client's SHA-256; it is hashed once more
  // with the salt and never stored as is.
  await sql`CREATE PROCEDURE register_user(
    IN p_id CHAR(36), IN p_login VARCHAR(32), IN p_email VARCHAR(254),
    IN p_first_name VARCHAR(64), IN p_last_name VARCHAR(64), IN p_secret VARCHAR(128))
  BEGIN
    DECLARE v_salt VARCHAR(64);
    SET v_salt = LEFT(TO_BASE64(RANDOM_BYTES(48)), 32 + FLOOR(RAND() * 33));
    INSERT INTO users (id, login, email, first_name, last_name, password_hash, password_salt)
    VALUES (p_id, p_login, p_email, p_first_name, p_last_name,
            SHA2(CONCAT(p_secret, v_salt), 256), v_salt);
  END`.execute(db)

  // Answers one row for a known login or email: the user id and whether the secret matches.
  await sql`CREATE PROCEDURE check_login(IN p_login VARCHAR(254), IN p_secret VARCHAR(128))
  BEGIN
    SELECT id AS user_id, password_hash = SHA2(CONCAT(p_secret, password_salt), 256) AS matches
    FROM users WHERE login = p_login OR email = p_login LIMIT 1;
  END`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP PROCEDURE IF EXISTS check_login`.execute(db)
  await sql`DROP PROCEDURE IF EXISTS register_user`.execute(db)
  await sql`DROP TABLE IF EXISTS login_failures`.execute(db)
  await sql`DROP TABLE IF EXISTS refresh_tokens`.execute(db)
  await sql`DROP TABLE IF EXISTS sessions`.execute(db)
  await sql`DROP TABLE IF EXISTS users`.execute(db)
}
