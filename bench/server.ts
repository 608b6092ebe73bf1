/** Shared setup for the HTTP benchmarks: a real server on loopback over a throwaway database. */
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp, createDeps, loadConfig, type Deps } from '@messenger/api'
import { signAccessToken } from '@messenger/api/tokens'
import { listen } from '@messenger/api/testing-sse'
import { type TestDb } from '@messenger/db/testing'

export const benchConfig = (url: string, env: Record<string, string> = {}) =>
  loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'messenger-bench-')),
    JWT_SECRET: randomBytes(32).toString('hex'),
    PASSWORD_PEPPER: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    ...env,
  })

export interface BenchServer {
  url: string
  deps: Deps
  close: () => Promise<void>
}

export const startServer = async (
  db: TestDb,
  env: Record<string, string> = {},
  jwtSecret?: string,
) => {
  const config = benchConfig(db.url, { ...env, ...(jwtSecret && { JWT_SECRET: jwtSecret }) })
  const deps = await createDeps(config, { db: db.db })
  const server = await listen(createApp(deps))
  return {
    url: server.url,
    deps,
    close: async () => {
      await server.close()
      await deps.indexer.stop()
      await deps.bus.close()
    },
  } satisfies BenchServer
}

/**
 * Users, their sessions and access tokens written straight to the database: registering thousands
 * through the API would time Argon2, not what is being measured.
 */
export const seedUsers = async (
  deps: { db: Deps['db']; config: { jwtSecret: string } },
  n: number,
  prefix: string,
) => {
  const users: { id: string; sessionId: string; token: string }[] = []
  for (let start = 0; start < n; start += 500) {
    const batch = Array.from({ length: Math.min(500, n - start) }, (_, i) => {
      const k = start + i
      const hex = k.toString(16).padStart(12, '0')
      return { id: `00000000-0000-7000-8000-${hex}`, sid: `00000000-0000-7000-9000-${hex}`, k }
    })
    await deps.db
      .insertInto('users')
      .values(
        batch.map((u) => ({
          id: u.id,
          login: `${prefix}${u.k}`,
          email: `${prefix}${u.k}@bench.local`,
          first_name: 'Bench',
          last_name: `User ${u.k}`,
          password_hash: '0'.repeat(64),
          password_salt: '0'.repeat(32),
        })),
      )
      .execute()
    await deps.db
      .insertInto('sessions')
      .values(batch.map((u) => ({ id: u.sid, user_id: u.id, user_agent: 'bench', ip: null })))
      .execute()
    for (const u of batch) {
      const { token } = await signAccessToken(deps.config.jwtSecret, {
        userId: u.id,
        sessionId: u.sid,
      })
      users.push({ id: u.id, sessionId: u.sid, token })
    }
  }
  return users
}
