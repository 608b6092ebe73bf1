import { accessSync, constants, existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { createDatabaseIfMissing, createDb, migrateToLatest } from '@messenger/db'
import { createApp } from './app'
import { closeDeps, createDeps } from './deps'
import { loadConfig } from './env'
import { ensureDatabaseServer } from './lifecycle/database'
import { startMaintenance } from './lifecycle/maintenance'
import { checkServices } from './lifecycle/services'
import { trackRequests } from './lifecycle/shutdown'
import { StartupError } from './lifecycle/startup-error'
import { createLogger } from './logger'
import { serveApp } from './serve'
import { WEB_DIST } from './static'

const step = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
  try {
    return await run()
  } catch (e) {
    if (e instanceof StartupError) throw e
    throw new StartupError(`${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
  }
}

const start = async () => {
  const config = await step('Invalid configuration', () => Promise.resolve(loadConfig()))
  const log = createLogger(config.logLevel)
  // Production serves what the image built; building at start cost seconds and hundreds of MB.
  if (config.nodeEnv === 'production' && !existsSync(join(WEB_DIST, 'index.html'))) {
    throw new StartupError(
      `The web client is not built (${WEB_DIST} has no index.html): run \`pnpm build\` before starting with NODE_ENV=production.`,
    )
  }
  // An upload would fail with a 500 much later; say it now (the image's DATA_DIR must be its user's).
  try {
    for (const dir of ['images', 'files', 'avatars']) {
      mkdirSync(join(config.dataDir, dir), { recursive: true })
      accessSync(join(config.dataDir, dir), constants.W_OK)
    }
  } catch {
    throw new StartupError(
      `DATA_DIR (${config.dataDir}) is not writable by this user (uid ${process.getuid?.() ?? '?'}): give it to that user.`,
    )
  }
  await checkServices(config)
  const database = await ensureDatabaseServer(config, log)
  try {
    await step('Could not create the database', () => createDatabaseIfMissing(database.url))
    const db = createDb(database.url, { connectionLimit: config.databasePoolSize })
    await step('Could not migrate the database', () => migrateToLatest(db))
    const deps = await step('Could not connect to the services', () =>
      createDeps(config, { db, log }),
    )
    const app = createApp(deps)
    // Abandoned uploads, files left by a crash, old login failures (lifecycle/maintenance.ts).
    const maintenance = startMaintenance(deps)
    const { server, port } = await serveApp(app, { port: config.port })
    log.info(`messenger listening on http://localhost:${port}`)
    const inFlight = trackRequests(
      server,
      (req) => (req.url ?? '').startsWith('/trpc/messages.events'),
      app.streamDoor,
    )

    let stopping = false
    const shutdown = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn(`${signal} again: exiting at once`)
        process.exit(1)
      }
      stopping = true
      log.info(
        `${signal}: finishing ${inFlight.count()} requests in flight (at most ${config.shutdownTimeoutMs} ms)`,
      )
      void (async () => {
        const cut = await inFlight.stop(config.shutdownTimeoutMs)
        if (cut > 0) log.warn(`${cut} requests were still running at the deadline and were cut`)
        // Pools close only now: the requests that finished needed them.
        await maintenance.stop()
        await closeDeps(deps)
        await database.stop()
        log.info('stopped')
      })().then(
        () => log.flush(() => process.exit(0)),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed')
          log.flush(() => process.exit(1))
        },
      )
    }
    process.on('SIGINT', shutdown)
    process.on('SIGTERM', shutdown)
  } catch (e) {
    await database.stop()
    throw e
  }
}

try {
  await start()
} catch (e) {
  if (!(e instanceof StartupError)) throw e
  console.error(`messenger: ${e.message}`)
  process.exit(1)
}
