/**
 * Issue #13's scale check: a 1,000-member group whose every message carries 1,000 reactions
 * (three emoji), and whose members have read it at 1,000 different places, against the same group
 * with none of that. A history page (messages.list, reactions included) and the chat list must
 * cost the same.
 */
import { sql } from 'kysely'
import { createTestDb } from '@messenger/db/testing'
import { fmt, median, quantile, table } from './lib'
import { seedUsers, startServer } from './server'

const BASE_MS = Date.UTC(2026, 0, 1)
const MEMBERS = 1000
const MESSAGES = 1000
const SAMPLES = 200

/** The UUIDv7-shaped id of the n-th seeded message of chat `c`, in time order. */
const messageId = (c: number, n: number) => {
  const ts = (BASE_MS + n).toString(16).padStart(12, '0')
  return `${ts.slice(0, 8)}-${ts.slice(8)}-7000-8${c}00-${n.toString(16).padStart(12, '0')}`
}
const idSql = (c: number, seq: string) =>
  sql.raw(
    `CONCAT(LEFT(LOWER(LPAD(HEX(${BASE_MS} + ${seq}), 12, '0')), 8), '-',
          RIGHT(LOWER(LPAD(HEX(${BASE_MS} + ${seq}), 12, '0')), 4), '-7000-8${c}00-',
          LOWER(LPAD(HEX(${seq}), 12, '0')))`,
  )

export async function run() {
  const db = await createTestDb()
  const server = await startServer(db)
  try {
    const users = await seedUsers(server.deps, MEMBERS, 'conv')
    const me = users[0]!
    const d = server.deps.db
    const chats = [0, 1].map((c) => `00000000-0000-7000-8000-0000000000a${c}`)
    for (const [c, chatId] of chats.entries()) {
      await d
        .insertInto('chats')
        .values({
          id: chatId,
          title: `group ${c}`,
          owner_id: me.id,
          direct_key: null,
          member_count: MEMBERS,
        })
        .execute()
      await sql`INSERT INTO chat_members (chat_id, user_id) SELECT ${chatId}, id FROM users`.execute(
        d,
      )
      await sql`INSERT INTO messages (id, chat_id, sender_id, client_id, text, created_at)
        SELECT ${idSql(c, 'seq')}, ${chatId}, ${me.id}, UUID(), CONCAT('message ', seq), NOW(3)
        FROM seq_0_to_${sql.raw(String(MESSAGES - 1))}`.execute(d)
      await d
        .updateTable('chats')
        .set({ last_message_id: messageId(c, MESSAGES - 1) })
        .where('id', '=', chatId)
        .execute()
    }
    const get = async (path: string, input: unknown) => {
      const res = await fetch(
        `${server.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
        { headers: { authorization: `Bearer ${me.token}` } },
      )
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`)
      return res.json() as Promise<{ result: { data: { items: { reactions?: unknown[] }[] } } }>
    }
    const timeList = async () => {
      const times: number[] = []
      for (let i = 0; i < SAMPLES + 20; i++) {
        const t0 = performance.now()
        await get('chats.list', { limit: 30 })
        if (i >= 20) times.push(performance.now() - t0)
      }
      return times
    }
    const listBefore = await timeList()

    // Chat 1: every member reacts to every message with one of three emoji (2,000,000 rows).
    const emoji = `ELT(1 + u.n % 3, '👍', '❤️', '😂')`
    await sql`CREATE TEMPORARY TABLE bench_members (n INT PRIMARY KEY, id CHAR(36))`.execute(d)
    await sql`INSERT INTO bench_members SELECT ROW_NUMBER() OVER (ORDER BY id), id FROM users`.execute(
      d,
    )
    for (let from = 0; from < MESSAGES; from += 200) {
      await sql`INSERT INTO message_reactions (message_id, emoji, user_id, chat_id, created_at)
        SELECT ${idSql(1, 'm.seq')}, ${sql.raw(emoji)}, u.id, ${chats[1]}, NOW(3)
        FROM ${sql.raw(`seq_${from}_to_${from + 199}`)} m CROSS JOIN bench_members u`.execute(d)
    }
    await sql`INSERT INTO message_reaction_counts (message_id, emoji, count, first_at)
      SELECT message_id, emoji, COUNT(*), MIN(created_at) FROM message_reactions GROUP BY message_id, emoji`.execute(
      d,
    )
    // Every member's read mark at a different message of chat 1.
    await sql`UPDATE chat_members cm JOIN bench_members u ON u.id = cm.user_id
      SET cm.last_read_message_id = ${idSql(1, 'u.n - 1')} WHERE cm.chat_id = ${chats[1]}`.execute(
      d,
    )
    await sql`ANALYZE TABLE messages, message_reactions, message_reaction_counts, chat_members`.execute(
      d,
    )

    const page = (c: number) =>
      get('messages.list', {
        chatId: chats[c],
        before: messageId(c, 51 + Math.floor(Math.random() * (MESSAGES - 51))),
        limit: 50,
      })
    const sample = await page(1)
    if (sample.result.data.items[0]?.reactions?.length !== 3) throw new Error('reactions missing')
    const times: number[][] = [[], []]
    for (let i = 0; i < SAMPLES + 20; i++) {
      for (const c of [0, 1]) {
        const t0 = performance.now()
        await page(c)
        if (i >= 20) times[c]!.push(performance.now() - t0)
      }
    }
    const listAfter = await timeList()
    const rows = [
      ['history page', 'group without', fmt(median(times[0]!)), fmt(quantile(times[0]!, 0.99))],
      ['history page', 'group with', fmt(median(times[1]!)), fmt(quantile(times[1]!, 0.99))],
      [
        'chat list',
        'before either was added',
        fmt(median(listBefore)),
        fmt(quantile(listBefore, 0.99)),
      ],
      ['chat list', 'after', fmt(median(listAfter)), fmt(quantile(listAfter, 0.99))],
    ]
    const ratios = [
      `history page ${fmt(median(times[1]!) / median(times[0]!))}`,
      `chat list ${fmt(median(listAfter) / median(listBefore))}`,
    ]
    return [
      `A ${MEMBERS}-member group with ${MESSAGES.toLocaleString('en')} messages, ${SAMPLES} calls each over HTTP, interleaved. With reactions: every member reacted to every message (${(MEMBERS * MESSAGES).toLocaleString('en')} reactions); every member's read mark at a different message. The chat list (both groups) is timed before the reactions and read marks are added and after.`,
      '',
      table(['call', 'reactions and read marks', 'p50 ms', 'p99 ms'], rows),
      '',
      `**p50 ratio with ÷ without: ${ratios.join(', ')}** (target ≤ 1.2).`,
    ].join('\n')
  } finally {
    await server.close()
    await db.drop()
  }
}
