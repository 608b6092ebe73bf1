/**
 * The send benchmark's floor: a bare Hono server doing one mysql2 INSERT of a message row per
 * request, with the same pool size as the messenger's. Run bundled in a process of its own, like
 * the server it is compared with; speaks the same IPC as capacity-server.ts.
 */
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createPool } from 'mysql2/promise'

const pool = createPool({ uri: process.env.DATABASE_URL!, connectionLimit: 30 })
const app = new Hono().post('/send', async (c) => {
  const b = await c.req.json<{ chatId: string; senderId: string; text: string }>()
  await pool.execute(
    'INSERT INTO messages (id, chat_id, sender_id, client_id, text) VALUES (?, ?, ?, ?, ?)',
    [randomUUID(), b.chatId, b.senderId, randomUUID(), b.text],
  )
  return c.json({ ok: true })
})
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
  const { port } = server.address() as AddressInfo
  process.send!({ type: 'listening', url: `http://127.0.0.1:${port}` })
})
process.on('message', (m: { type: string }) => {
  if (m.type === 'cpu') {
    const c = process.cpuUsage()
    process.send!({ type: 'cpu', cpu: (c.user + c.system) / 1000 })
  }
  if (m.type === 'rss') {
    const u = process.memoryUsage()
    process.send!({ type: 'rss', rss: u.rss, heap: u.heapUsed })
  }
})
process.on('SIGTERM', () => process.exit(0))
