/**
 * The server under test for the capacity benchmark, in a process of its own (its own fd limit and
 * heap, so its RSS is the server's alone). Configured by the environment like `pnpm start`;
 * answers `{ type: 'rss' }` over IPC with its RSS and heap after a full GC, `{ type: 'cpu' }` with
 * the CPU time it has used (ms).
 */
import { createApp, createDeps, loadConfig, serveApp } from '@messenger/api'
import { createDb } from '@messenger/db'
import { answerBench } from './ipc'

const config = loadConfig()
const deps = await createDeps(config, {
  db: createDb(config.databaseUrl, { connectionLimit: config.databasePoolSize }),
})
const { port } = await serveApp(createApp(deps), { port: 0, hostname: '127.0.0.1' })
process.send!({ type: 'listening', url: `http://127.0.0.1:${port}` })

answerBench()
