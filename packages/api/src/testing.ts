import { createHash, randomBytes } from 'node:crypto'
import { TRPCError } from '@trpc/server'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDb } from '@messenger/db/testing'
import { isTotpChallenge, type AuthResult } from '@messenger/shared'
import { createApp } from './app'
import { createPasswordHasher } from './auth/password'
import { createContextInner, type AuthUser } from './context'
import { createDeps, type Deps } from './deps'
import { loadConfig } from './env'
import { appRouter } from './root'
import { createCallerFactory } from './trpc'

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

const createCaller = createCallerFactory(appRouter)

/**
 * A whole server on a fresh database of its own (real MariaDB), for one test file.
 * `callerFor(user)` calls procedures in-process; `app.request()` goes through HTTP handling.
 */
export const createTestApp = async (
  env: Record<string, string> = {},
  options: { databaseServer?: string } = {},
) => {
  const testDb = await createTestDb(options.databaseServer)
  const dataDir = mkdtempSync(join(tmpdir(), 'messenger-test-'))
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: testDb.url,
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    PASSWORD_PEPPER: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    TRUST_PROXY: 'true',
    ...env,
  })
  // The real Argon2id, counted, so tests can prove how many guesses were evaluated.
  const hasher = createPasswordHasher(config.passwordPepper)
  let hashRuns = 0
  const deps: Deps = await createDeps(config, {
    db: testDb.db,
    hashPassword: (passwordHash) => {
      hashRuns++
      return hasher(passwordHash)
    },
  })
  const app = createApp(deps)
  let counter = 0

  const callerFor = (user: AuthUser | null) => createCaller(createContextInner(deps, user))

  /** Registers and logs in a fresh user; returns the tokens, the user and a caller acting as them. */
  const signUp = async (
    overrides: { login?: string; password?: string; firstName?: string } = {},
  ) => {
    counter++
    const login = overrides.login ?? `user${counter}_${randomBytes(3).toString('hex')}`
    const password = overrides.password ?? `password-${counter}`
    await callerFor(null).auth.register({
      login,
      email: `${login}@example.com`,
      firstName: overrides.firstName ?? `First${counter}`,
      lastName: `Last${counter}`,
      passwordHash: sha256(password),
    })
    const answer = await callerFor(null).auth.login({ login, passwordHash: sha256(password) })
    if (isTotpChallenge(answer)) throw new Error('a new account has no two-factor login')
    const auth: AuthResult = answer
    const claims = JSON.parse(
      Buffer.from(auth.accessToken.split('.')[1]!, 'base64url').toString(),
    ) as { sid: string }
    const user: AuthUser = { id: auth.user.id, sessionId: claims.sid }
    return { ...auth, login, password, authUser: user, caller: callerFor(user) }
  }

  return {
    app,
    deps,
    config,
    db: testDb.db,
    callerFor,
    signUp,
    /** How many times the slow password hash has run so far. */
    hashRuns: () => hashRuns,
    close: async () => {
      await deps.presence.close()
      await deps.indexer.stop()
      await deps.bus.close()
      await deps.search.close()
      await testDb.drop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
export type TestApp = Awaited<ReturnType<typeof createTestApp>>

/** JSON POST to a tRPC mutation through the HTTP app, as curl would send it. */
export const post = async (
  app: TestApp['app'],
  procedure: string,
  input: unknown,
  headers: Record<string, string> = {},
) => {
  const res = await app.request(`/trpc/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  })
  return { status: res.status, headers: res.headers, body: (await res.json()) as TrpcBody }
}

/** GET of a tRPC query with `?input=`. */
export const get = async (
  app: TestApp['app'],
  procedure: string,
  input: unknown,
  headers: Record<string, string> = {},
) => {
  const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`
  const res = await app.request(`/trpc/${procedure}${qs}`, { headers })
  return { status: res.status, headers: res.headers, body: (await res.json()) as TrpcBody }
}

export interface TrpcBody {
  result?: { data: unknown }
  error?: {
    message: string
    data: { code: string; httpStatus: number; fieldErrors?: Record<string, string[]> }
  }
}

/** The TRPCError code a call fails with, or 'OK' when it succeeds. */
export const errorCode = async (call: Promise<unknown>) => {
  try {
    await call
    return 'OK'
  } catch (e) {
    return e instanceof TRPCError ? e.code : String(e)
  }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
