import { createDb, type Db } from '@messenger/db'
import { createPasswordHasher, type PasswordHasher } from './auth/password'
import type { Config } from './env'
import { createLogger, type Logger } from './logger'

/** Everything a request may use, built once at start and passed down; nothing imports singletons. */
export interface Deps {
  config: Config
  db: Db
  log: Logger
  hashPassword: PasswordHasher
}

export const createDeps = (config: Config, overrides: Partial<Deps> = {}): Deps => ({
  config,
  db: overrides.db ?? createDb(config.databaseUrl),
  log: overrides.log ?? createLogger(config.logLevel),
  hashPassword: overrides.hashPassword ?? createPasswordHasher(config.passwordPepper),
})

export const closeDeps = async (deps: Deps) => {
  await deps.db.destroy()
}
