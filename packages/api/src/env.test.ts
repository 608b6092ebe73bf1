import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from './env'

const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'messenger-env-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const secret = (c: string) => c.repeat(40)

describe('loadConfig', () => {
  it('uses the defaults of API.md', () => {
    const dataDir = tempDir()
    const config = loadConfig({ DATA_DIR: dataDir })
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      databaseUrl: 'mysql://root@127.0.0.1:3306/messenger',
      elasticsearchUrl: undefined,
      elasticsearchReplicas: 1,
      elasticsearchTimeoutMs: 5000,
      redisUrl: undefined,
      dataDir: resolve(dataDir),
      trustProxy: false,
      maxBatchSize: 10,
      maxRequestBytes: 1024 * 1024,
    })
  })

  it('takes MAX_BATCH_SIZE of at least 10, the most the web client batches', () => {
    expect(loadConfig({ DATA_DIR: tempDir(), MAX_BATCH_SIZE: '25' }).maxBatchSize).toBe(25)
    expect(() => loadConfig({ DATA_DIR: tempDir(), MAX_BATCH_SIZE: '5' })).toThrow(
      /MAX_BATCH_SIZE: MAX_BATCH_SIZE must be at least 10/,
    )
  })

  it('reads the search index settings and names a bad one', () => {
    const dataDir = tempDir()
    expect(
      loadConfig({
        DATA_DIR: dataDir,
        ELASTICSEARCH_REPLICAS: '0',
        ELASTICSEARCH_TIMEOUT_MS: '800',
      }),
    ).toMatchObject({ elasticsearchReplicas: 0, elasticsearchTimeoutMs: 800 })
    expect(() => loadConfig({ DATA_DIR: dataDir, ELASTICSEARCH_REPLICAS: '-1' })).toThrow(
      /ELASTICSEARCH_REPLICAS/,
    )
    expect(() => loadConfig({ DATA_DIR: dataDir, ELASTICSEARCH_TIMEOUT_MS: 'soon' })).toThrow(
      /ELASTICSEARCH_TIMEOUT_MS/,
    )
  })

  it('in production refuses to start without JWT_SECRET or PASSWORD_PEPPER, naming the missing one', () => {
    const dataDir = tempDir()
    const base = { NODE_ENV: 'production', DATA_DIR: dataDir }
    expect(() => loadConfig({ ...base, JWT_SECRET: secret('j') })).toThrow(/PASSWORD_PEPPER/)
    expect(() => loadConfig({ ...base, JWT_SECRET: secret('j') })).not.toThrow(/JWT_SECRET/)
    expect(() => loadConfig({ ...base, PASSWORD_PEPPER: secret('p') })).toThrow(/JWT_SECRET/)
    expect(() => loadConfig({ ...base, PASSWORD_PEPPER: secret('p') })).not.toThrow(
      /PASSWORD_PEPPER/,
    )
    expect(() => loadConfig(base)).toThrow(/JWT_SECRET and PASSWORD_PEPPER/)
    // An empty value in an .env file counts as missing.
    expect(() => loadConfig({ ...base, JWT_SECRET: '', PASSWORD_PEPPER: secret('p') })).toThrow(
      /JWT_SECRET/,
    )
    // Nothing was generated behind the operator's back.
    expect(() => statSync(join(dataDir, 'secrets.json'))).toThrow()
  })

  it('in production takes the secrets from the environment', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATA_DIR: tempDir(),
      JWT_SECRET: secret('j'),
      PASSWORD_PEPPER: secret('p'),
    })
    expect(config.jwtSecret).toBe(secret('j'))
    expect(config.passwordPepper).toBe(secret('p'))
  })

  it('refuses a secret shorter than 32 characters, naming it', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short', PASSWORD_PEPPER: secret('p') }),
    ).toThrow(/JWT_SECRET/)
  })

  it('outside production generates the secrets once into DATA_DIR and reuses them', () => {
    const dataDir = join(tempDir(), 'nested', 'data')
    const first = loadConfig({ DATA_DIR: dataDir })
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32)
    expect(first.passwordPepper.length).toBeGreaterThanOrEqual(32)
    expect(first.jwtSecret).not.toBe(first.passwordPepper)
    const file = join(dataDir, 'secrets.json')
    // Only the owner may read them.
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      JWT_SECRET: first.jwtSecret,
      PASSWORD_PEPPER: first.passwordPepper,
    })
    const second = loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test' })
    expect(second.jwtSecret).toBe(first.jwtSecret)
    expect(second.passwordPepper).toBe(first.passwordPepper)
    // A value from the environment still wins over the file.
    expect(loadConfig({ DATA_DIR: dataDir, JWT_SECRET: secret('e') }).jwtSecret).toBe(secret('e'))
  })

  it('never overwrites a damaged secrets file, and says what to do', () => {
    const dataDir = tempDir()
    const file = join(dataDir, 'secrets.json')
    writeFileSync(file, '{"JWT_SECRET": "tr')
    expect(() => loadConfig({ DATA_DIR: dataDir })).toThrow(/secrets\.json is not valid/)
    expect(readFileSync(file, 'utf8')).toBe('{"JWT_SECRET": "tr')
  })

  it('names each invalid variable', () => {
    const env = { DATA_DIR: tempDir(), PORT: 'eighty', DATABASE_URL: 'not a url' }
    expect(() => loadConfig(env)).toThrow(/PORT/)
    expect(() => loadConfig(env)).toThrow(/DATABASE_URL/)
    expect(() => loadConfig({ DATA_DIR: tempDir(), NODE_ENV: 'staging' })).toThrow(/NODE_ENV/)
    expect(() => loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/)
  })

  it('reads PORT, TRUST_PROXY and the optional service URLs', () => {
    const config = loadConfig({
      DATA_DIR: tempDir(),
      PORT: '8080',
      TRUST_PROXY: 'true',
      REDIS_URL: 'redis://127.0.0.1:6379',
      ELASTICSEARCH_URL: '',
    })
    expect(config).toMatchObject({
      port: 8080,
      trustProxy: true,
      redisUrl: 'redis://127.0.0.1:6379',
      elasticsearchUrl: undefined,
    })
  })
})
