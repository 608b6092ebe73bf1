/**
 * The server under test for the capacity benchmark, in a process of its own (its own fd limit and
 * heap, so its RSS is the server's alone). Configured by the environment like `pnpm start`;
 * answers `{ type: 'rss' }` over IPC with its RSS after a full GC.
 */
import { serve } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { createApp, createDeps, loadConfig } from '@messenger/api'
import { createDb } from '@messenger/db'

const config = loadConfig()
const deps = await createDeps(config, {
  db: createDb(config.databaseUrl, { connectionLimit: config.databasePoolSize }),
})
const server = serve({ fetch: createApp(deps).fetch, port: 0, hostname: '127.0.0.1' }, () => {
  const { port } = server.address() as AddressInfo
  process.send!({ type: 'listening', url: `http://127.0.0.1:${port}` })
})

const gc = (globalThis as { gc?: () => void }).gc
process.on('message', (m: { type: string }) => {
  if (m.type === 'rss') {
    gc?.()
    gc?.()
    process.send!({ type: 'rss', rss: process.memoryUsage().rss })
  }
})
