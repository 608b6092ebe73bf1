import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'

const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v)
const optionalUrl = z.preprocess(emptyAsUndefined, z.url().optional())
const optionalSecret = z.preprocess(emptyAsUndefined, z.string().min(32).optional())

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.url().default('mysql://root@127.0.0.1:3306/messenger'),
  ELASTICSEARCH_URL: optionalUrl,
  ELASTICSEARCH_INDEX: z
    .string()
    .regex(/^[a-z0-9_-]+$/)
    .default('messages'),
  ELASTICSEARCH_REPLICAS: z.coerce.number().int().min(0).max(10).default(1),
  ELASTICSEARCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  REDIS_URL: optionalUrl,
  DATA_DIR: z.string().default('./data'),
  JWT_SECRET: optionalSecret,
  PASSWORD_PEPPER: optionalSecret,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.stringbool().default(false),
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(25 * 1024 * 1024),
  MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 40, 'MAX_FILE_BYTES must be at most 1 TiB')
    .default(50 * 1024 * 1024),
  STREAM_SESSION_CHECK_SECONDS: z.coerce.number().positive().default(60),
  SESSION_CACHE_SIZE: z.coerce.number().int().positive().default(50_000),
  TOKEN_CACHE_SIZE: z.coerce.number().int().positive().default(50_000),
  MEMBER_CACHE_SIZE: z.coerce.number().int().positive().default(200_000),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(30),
  REQUEST_CONCURRENCY: z.coerce.number().int().positive().default(64),
  REQUEST_QUEUE_LIMIT: z.coerce.number().int().min(0).default(1000),
  REQUEST_QUEUE_TIMEOUT_MS: z.coerce.number().int().positive().default(1000),
  MAX_REQUEST_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  // The web client sends at most 10 calls in one request.
  MAX_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(10, 'MAX_BATCH_SIZE must be at least 10, the most the web client batches')
    .max(1000)
    .default(10),
  STREAM_MAX_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(16 * 1024)
    .default(1024 * 1024),
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().min(0).default(10),
})

export interface Config {
  nodeEnv: 'development' | 'production' | 'test'
  port: number
  databaseUrl: string
  elasticsearchUrl: string | undefined
  elasticsearchIndex: string
  /** `number_of_replicas` of the search index. */
  elasticsearchReplicas: number
  /** Every Elasticsearch request gives up after this long. */
  elasticsearchTimeoutMs: number
  redisUrl: string | undefined
  dataDir: string
  jwtSecret: string
  passwordPepper: string
  logLevel: string
  /** Take the client address from X-Forwarded-For (behind nginx). */
  trustProxy: boolean
  maxUploadBytes: number
  /** The largest file (POST /api/files); streamed to disk, never held in memory. */
  maxFileBytes: number
  /**
   * How often each instance rechecks, in one batched query, that its streams' sessions are still
   * active; also how long a cached session lives. Ended sessions reach both at once by event.
   */
  streamSessionCheckMs: number
  /** Active sessions cached per instance (LRU). */
  sessionCacheSize: number
  /** Verified access tokens cached per instance (LRU). */
  tokenCacheSize: number
  /** Member ids of chats kept per instance, in all (LRU); each read still checks a version. */
  memberCacheSize: number
  /** MySQL connections per instance. */
  databasePoolSize: number
  /** tRPC requests run at once; more wait in a queue of `requestQueueLimit`, at most `requestQueueTimeoutMs`, and beyond that get 503. */
  requestConcurrency: number
  requestQueueLimit: number
  requestQueueTimeoutMs: number
  /** The largest request body /trpc reads; image uploads have maxUploadBytes. */
  maxRequestBytes: number
  /** The most tRPC calls one HTTP request may batch. */
  maxBatchSize: number
  /** Unsent bytes at which a live event stream whose client stopped reading is closed. */
  streamMaxBufferBytes: number
  /** On SIGTERM, how long requests in flight may take to finish before they are cut. */
  shutdownTimeoutMs: number
}

const SECRET_NAMES = ['JWT_SECRET', 'PASSWORD_PEPPER'] as const

type Secrets = Record<(typeof SECRET_NAMES)[number], string>
const secretsSchema = z.object({
  JWT_SECRET: z.string().min(32),
  PASSWORD_PEPPER: z.string().min(32),
})

const parseSecrets = (file: string, text: string): Secrets => {
  try {
    return secretsSchema.parse(JSON.parse(text))
  } catch {
    // Never overwrite it: a new pepper would make every stored password unusable.
    throw new Error(
      `${file} is not valid JSON with JWT_SECRET and PASSWORD_PEPPER; repair it (deleting it makes every stored password unusable)`,
    )
  }
}

const isErrno = (e: unknown, code: string) =>
  e instanceof Error && 'code' in e && (e as NodeJS.ErrnoException).code === code

/**
 * Local secrets are generated once into DATA_DIR so `pnpm start` needs no setup; production must
 * bring its own, since losing the pepper makes every stored password unusable.
 */
const localSecrets = (dataDir: string): Secrets => {
  const file = join(dataDir, 'secrets.json')
  try {
    return parseSecrets(file, readFileSync(file, 'utf8'))
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e
  }
  const secrets = {
    JWT_SECRET: randomBytes(32).toString('base64url'),
    PASSWORD_PEPPER: randomBytes(32).toString('base64url'),
  }
  mkdirSync(dataDir, { recursive: true })
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' })
  } catch (e) {
    // Another process started at the same moment and wrote first: use its secrets.
    if (isErrno(e, 'EEXIST')) return parseSecrets(file, readFileSync(file, 'utf8'))
    throw e
  }
  return secrets
}

/** Reads and validates the environment once; throws a message naming each bad or missing variable. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid environment:\n  ${problems.join('\n  ')}`)
  }
  const e = parsed.data
  const dataDir = resolve(e.DATA_DIR)
  let jwtSecret = e.JWT_SECRET
  let passwordPepper = e.PASSWORD_PEPPER
  if (jwtSecret === undefined || passwordPepper === undefined) {
    if (e.NODE_ENV === 'production') {
      const missing = SECRET_NAMES.filter((n) => e[n] === undefined)
      throw new Error(
        `NODE_ENV=production needs ${missing.join(' and ')} (at least 32 characters each), e.g. \`openssl rand -base64 32\``,
      )
    }
    const local = localSecrets(dataDir)
    jwtSecret ??= local.JWT_SECRET
    passwordPepper ??= local.PASSWORD_PEPPER
  }
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    elasticsearchUrl: e.ELASTICSEARCH_URL,
    elasticsearchIndex: e.ELASTICSEARCH_INDEX,
    elasticsearchReplicas: e.ELASTICSEARCH_REPLICAS,
    elasticsearchTimeoutMs: e.ELASTICSEARCH_TIMEOUT_MS,
    redisUrl: e.REDIS_URL,
    dataDir,
    jwtSecret,
    passwordPepper,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    maxFileBytes: e.MAX_FILE_BYTES,
    streamSessionCheckMs: e.STREAM_SESSION_CHECK_SECONDS * 1000,
    sessionCacheSize: e.SESSION_CACHE_SIZE,
    tokenCacheSize: e.TOKEN_CACHE_SIZE,
    memberCacheSize: e.MEMBER_CACHE_SIZE,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    requestConcurrency: e.REQUEST_CONCURRENCY,
    requestQueueLimit: e.REQUEST_QUEUE_LIMIT,
    requestQueueTimeoutMs: e.REQUEST_QUEUE_TIMEOUT_MS,
    maxRequestBytes: e.MAX_REQUEST_BYTES,
    maxBatchSize: e.MAX_BATCH_SIZE,
    streamMaxBufferBytes: e.STREAM_MAX_BUFFER_BYTES,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
  }
}
