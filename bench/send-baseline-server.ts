/**
 * The send benchmark's floor: a bare Hono server doing one mysql2 INSERT of a message row per
 * request, with the same pool size as the messenger's. Run bundled in a process of its own, like
 * the server it is compared with; answers the bench over IPC (bench/ipc.ts).
 */
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createPool } from 'mysql2/promise'
import { answerBench } from './ipc'

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
answerBench()
