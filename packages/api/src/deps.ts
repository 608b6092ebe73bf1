import { join } from 'node:path'
import { createDb, parseDatabaseUrl, type Db } from '@messenger/db'
import {
  createFsImageStorage,
  createLimiter,
  type ImageStorage,
  type Limiter,
} from '@messenger/images'
import { createPasswordHasher, type PasswordHasher } from './auth/password'
import type { Config } from './env'
import { createLocalBus, type EventBus } from './events/bus'
import { createRedisBus } from './events/redis-bus'
import { createLogger, type Logger } from './logger'
import { createElasticsearchStore } from './messages/elasticsearch-store'
import { createMysqlStore } from './messages/mysql-store'
import type { MessageStore } from './messages/store'

/** Everything a request may use, built once at start and passed down; nothing imports singletons. */
export interface Deps {
  config: Config
  db: Db
  log: Logger
  hashPassword: PasswordHasher
  messages: MessageStore
  bus: EventBus
  /** Image files under DATA_DIR/images. */
  images: ImageStorage
  /** Image decoding: at most one per core at a time, the rest wait. */
  imageQueue: Limiter
}

export const createDeps = async (config: Config, overrides: Partial<Deps> = {}): Promise<Deps> => {
  const db = overrides.db ?? createDb(config.databaseUrl)
  const log = overrides.log ?? createLogger(config.logLevel)
  const messages =
    overrides.messages ??
    (config.elasticsearchUrl !== undefined
      ? createElasticsearchStore(db, config.elasticsearchUrl, config.elasticsearchIndex)
      : createMysqlStore(db))
  await messages.init()
  const bus =
    overrides.bus ??
    (config.redisUrl !== undefined
      ? await createRedisBus(config.redisUrl, parseDatabaseUrl(config.databaseUrl).database, log)
      : createLocalBus())
  return {
    config,
    db,
    log,
    hashPassword: overrides.hashPassword ?? createPasswordHasher(config.passwordPepper),
    messages,
    bus,
    images: overrides.images ?? createFsImageStorage(join(config.dataDir, 'images')),
    imageQueue: overrides.imageQueue ?? createLimiter(),
  }
}

export const closeDeps = async (deps: Deps) => {
  await deps.bus.close()
  await deps.messages.close()
  await deps.db.destroy()
}
