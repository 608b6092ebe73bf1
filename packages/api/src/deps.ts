import { join } from 'node:path'
import { createDb, lastEventId, parseDatabaseUrl, type Db } from '@messenger/db'
import {
  createFsImageStorage,
  createLimiter,
  type ImageStorage,
  type Limiter,
} from '@messenger/images'
import { createAdmission, type Admission } from './admission'
import { createPasswordHasher, type PasswordHasher } from './auth/password'
import { createSessions, type Sessions } from './auth/sessions'
import { createTokenVerifier, type TokenVerifier } from './auth/tokens'
import type { Config } from './env'
import { createLocalBus, type BusOptions, type EventBus } from './events/bus'
import { createRedisBus } from './events/redis-bus'
import { loadBusEvents } from './events/service'
import { createMemberCache, type MemberCache } from './chats/members'
import { createFsFileStorage, type FileStorage } from './files/storage'
import { createLogger, type Logger } from './logger'
import { createMysqlStore } from './messages/mysql-store'
import { createPresenceTracker, type PresenceTracker } from './presence/tracker'
import type { MessageStore } from './messages/store'
import { createElasticsearchIndex } from './search/elasticsearch-index'
import { createIndexer, type Indexer } from './search/indexer'
import { createMysqlIndex } from './search/mysql-index'
import { SearchMappingError, type SearchIndex } from './search/search-index'

/** Everything a request may use, built once at start and passed down; nothing imports singletons. */
export interface Deps {
  config: Config
  db: Db
  log: Logger
  hashPassword: PasswordHasher
  messages: MessageStore
  /** Where messages.search looks: MySQL's own index, or Elasticsearch when configured. */
  search: SearchIndex
  /** Feeds `search` from the event log; running in every instance. */
  indexer: Indexer
  bus: EventBus
  /** Image files under DATA_DIR/images. */
  images: ImageStorage
  /** Attached files under DATA_DIR/files. */
  files: FileStorage
  /** Avatars (profile and group photos) under DATA_DIR/avatars, one folder per avatar. */
  avatars: ImageStorage
  /** Image decoding: at most one per core at a time, the rest wait. */
  imageQueue: Limiter
  /** Active sessions, cached and ended by event on every instance. */
  sessions: Sessions
  verifyToken: TokenVerifier
  /** How many tRPC requests run and wait at once; the rest get a fast 503. */
  admission: Admission
  /** Who is online: counts this instance's streams per person, shared through the database. */
  presence: PresenceTracker
  /** Member ids of chats, checked against the database's version on every read. */
  members: MemberCache
}

export const createDeps = async (config: Config, overrides: Partial<Deps> = {}): Promise<Deps> => {
  const db =
    overrides.db ?? createDb(config.databaseUrl, { connectionLimit: config.databasePoolSize })
  const log = overrides.log ?? createLogger(config.logLevel)
  const members = overrides.members ?? createMemberCache(config.memberCacheSize)
  const messages = overrides.messages ?? createMysqlStore(db, members)
  const search =
    overrides.search ??
    (config.elasticsearchUrl !== undefined
      ? createElasticsearchIndex(db, {
          url: config.elasticsearchUrl,
          index: config.elasticsearchIndex,
          replicas: config.elasticsearchReplicas,
          timeoutMs: config.elasticsearchTimeoutMs,
        })
      : createMysqlIndex(db))
  try {
    await search.init()
  } catch (err) {
    // A wrong mapping needs a reindex by hand; an unreachable cluster only delays search.
    if (err instanceof SearchMappingError) throw err
    log.warn({ err }, 'search index not ready: the indexer keeps trying, search answers 503')
  }
  const indexer = overrides.indexer ?? createIndexer(db, search, log)
  indexer.start()
  const busOptions: BusOptions = {
    log,
    head: () => lastEventId(db),
    // Called only once the deps below exist: missed events are read back with their messages.
    load: (after, upTo) => loadBusEvents(deps, after, upTo),
  }
  const bus =
    overrides.bus ??
    (config.redisUrl !== undefined
      ? await createRedisBus(
          config.redisUrl,
          parseDatabaseUrl(config.databaseUrl).database,
          busOptions,
        )
      : await createLocalBus(busOptions))
  const deps: Deps = {
    config,
    db,
    log,
    hashPassword: overrides.hashPassword ?? createPasswordHasher(config.passwordPepper),
    messages,
    search,
    indexer,
    bus,
    images: overrides.images ?? createFsImageStorage(join(config.dataDir, 'images')),
    files: overrides.files ?? createFsFileStorage(join(config.dataDir, 'files')),
    avatars: overrides.avatars ?? createFsImageStorage(join(config.dataDir, 'avatars')),
    imageQueue: overrides.imageQueue ?? createLimiter(),
    sessions:
      overrides.sessions ??
      createSessions({
        db,
        bus,
        log,
        cacheSize: config.sessionCacheSize,
        recheckMs: config.streamSessionCheckMs,
      }),
    verifyToken:
      overrides.verifyToken ?? createTokenVerifier(config.jwtSecret, config.tokenCacheSize),
    admission:
      overrides.admission ??
      createAdmission({
        concurrency: config.requestConcurrency,
        queueLimit: config.requestQueueLimit,
        maxWaitMs: config.requestQueueTimeoutMs,
      }),
    presence: overrides.presence ?? createPresenceTracker(db, bus, log),
    members,
  }
  return deps
}

export const closeDeps = async (deps: Deps) => {
  deps.sessions.close()
  await deps.presence.close()
  await deps.indexer.stop()
  await deps.bus.close()
  await deps.search.close()
  await deps.db.destroy()
}
