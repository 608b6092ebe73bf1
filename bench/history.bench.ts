/**
 * messages.list at random depths of a chat with 1,000,000 messages against one with 10,000:
 * keyset paging should make both cost the same.
 */
import { sql } from 'kysely'
import { createTestDb } from '@messenger/db/testing'
import { fmt, median, quantile, table } from './lib'
import { seedUsers, startServer } from './server'

const BASE_MS = Date.UTC(2026, 0, 1)
const SAMPLES = 300

/** The UUIDv7-shaped id of the n-th seeded message of chat `c`, in time order. */
const messageId = (c: number, n: number) => {
  const ts = (BASE_MS + n).toString(16).padStart(12, '0')
  return `${ts.slice(0, 8)}-${ts.slice(8)}-7000-8${c}00-${n.toString(16).padStart(12, '0')}`
}

export async function run() {
  const db = await createTestDb()
  const server = await startServer(db)
  try {
    const [user] = await seedUsers(server.deps, 1, 'hist')
    const sizes = [10_000, 1_000_000]
    const chats: string[] = []
    for (const [c, size] of sizes.entries()) {
      const chatId = `00000000-0000-7000-8000-00000000000${c + 1}`
      chats.push(chatId)
      await server.deps.db
        .insertInto('chats')
        .values({
          id: chatId,
          title: `history ${size}`,
          owner_id: user!.id,
          direct_key: null,
          member_count: 1,
        })
        .execute()
      await server.deps.db
        .insertInto('chat_members')
        .values({ chat_id: chatId, user_id: user!.id })
        .execute()
      // MariaDB's sequence engine writes the rows server-side; ids follow messageId() above.
      for (let from = 0; from < size; from += 200_000) {
        const to = Math.min(size, from + 200_000) - 1
        await sql`INSERT INTO messages (id, chat_id, sender_id, client_id, text, created_at)
          SELECT CONCAT(LEFT(LOWER(LPAD(HEX(${BASE_MS} + seq), 12, '0')), 8), '-',
                        RIGHT(LOWER(LPAD(HEX(${BASE_MS} + seq), 12, '0')), 4), '-7000-8', ${c}, '00-',
                        LOWER(LPAD(HEX(seq), 12, '0'))),
                 ${chatId}, ${user!.id}, UUID(), CONCAT('history message ', seq), NOW(3)
          FROM ${sql.raw(`seq_${from}_to_${to}`)}`.execute(server.deps.db)
      }
    }
    await sql`ANALYZE TABLE messages`.execute(server.deps.db)
    const call = async (c: number) => {
      const before = messageId(c, 1 + Math.floor(Math.random() * (sizes[c]! - 1)))
      const input = encodeURIComponent(JSON.stringify({ chatId: chats[c], before, limit: 50 }))
      const res = await fetch(`${server.url}/trpc/messages.list?input=${input}`, {
        headers: { authorization: `Bearer ${user!.token}` },
      })
      if (res.status !== 200) throw new Error(`messages.list: ${res.status} ${await res.text()}`)
      await res.arrayBuffer()
    }
    // Interleaved, so warm-up and background load fall on both chats alike.
    const times: number[][] = sizes.map(() => [])
    for (let i = 0; i < SAMPLES + 20; i++) {
      for (const c of sizes.keys()) {
        const t0 = performance.now()
        await call(c)
        if (i >= 20) times[c]!.push(performance.now() - t0)
      }
    }
    const medians = times.map((t) => median(t))
    const rows = sizes.map((size, c) => [
      size.toLocaleString('en'),
      fmt(medians[c]!),
      fmt(quantile(times[c]!, 0.99)),
    ])
    return [
      `${SAMPLES} calls of messages.list (50 messages, over HTTP) at random depths of each chat.`,
      '',
      table(['messages in chat', 'p50 ms', 'p99 ms'], rows),
      '',
      `**p50 ratio 1,000,000 ÷ 10,000 = ${fmt(medians[1]! / medians[0]!)}** (target ≤ 1.2).`,
    ].join('\n')
  } finally {
    await server.close()
    await db.drop()
  }
}
