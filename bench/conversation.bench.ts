/**
 * Issue #13's scale check: a 1,000-member group whose every message carries 1,000 reactions
 * (three emoji), and whose members have read it at 1,000 different places, against a group of the
 * same size and history with none of that. A history page (messages.list, reactions included), its
 * "seen by" counts (chats.receipts) and the chat list must cost the same. Each group has its own
 * viewer (the sender of its messages, the only one of the two in it), so every call is timed for
 * both groups in the same loop, interleaved, on the same tables and warm caches.
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
    // One viewer per group; everyone else is in both, so each group has MEMBERS members.
    const users = await seedUsers(server.deps, MEMBERS + 1, 'conv')
    const viewers = [users[0]!, users[1]!]
    const d = server.deps.db
    const chats = [0, 1].map((c) => `00000000-0000-7000-8000-0000000000a${c}`)
    for (const [c, chatId] of chats.entries()) {
      const viewer = viewers[c]!
      const other = viewers[1 - c]!
      await d
        .insertInto('chats')
        .values({
          id: chatId,
          title: `group ${c}`,
          owner_id: viewer.id,
          direct_key: null,
          member_count: MEMBERS,
        })
        .execute()
      await sql`INSERT INTO chat_members (chat_id, user_id)
        SELECT ${chatId}, id FROM users WHERE id <> ${other.id}`.execute(d)
      await sql`INSERT INTO messages (id, chat_id, sender_id, client_id, text, created_at)
        SELECT ${idSql(c, 'seq')}, ${chatId}, ${viewer.id}, UUID(), CONCAT('message ', seq), NOW(3)
        FROM seq_0_to_${sql.raw(String(MESSAGES - 1))}`.execute(d)
      await d
        .updateTable('chats')
        .set({ last_message_id: messageId(c, MESSAGES - 1) })
        .where('id', '=', chatId)
        .execute()
    }

    // Group 1: every member reacts to every message with one of three emoji.
    const emoji = `ELT(1 + u.n % 3, '👍', '❤️', '😂')`
    await sql`CREATE TEMPORARY TABLE bench_members (n INT PRIMARY KEY, id CHAR(36))`.execute(d)
    await sql`INSERT INTO bench_members SELECT ROW_NUMBER() OVER (ORDER BY user_id), user_id
      FROM chat_members WHERE chat_id = ${chats[1]}`.execute(d)
    for (let from = 0; from < MESSAGES; from += 200) {
      await sql`INSERT INTO message_reactions (message_id, emoji, user_id, chat_id, created_at)
        SELECT ${idSql(1, 'm.seq')}, ${sql.raw(emoji)}, u.id, ${chats[1]}, NOW(3)
        FROM ${sql.raw(`seq_${from}_to_${from + 199}`)} m CROSS JOIN bench_members u`.execute(d)
    }
    await sql`INSERT INTO message_reaction_counts (message_id, emoji, count, first_at)
      SELECT message_id, emoji, COUNT(*), MIN(created_at) FROM message_reactions GROUP BY message_id, emoji`.execute(
      d,
    )
    // Every member's read mark at a different message of group 1; nobody has read group 0.
    await sql`UPDATE chat_members cm JOIN bench_members u ON u.id = cm.user_id
      SET cm.last_read_message_id = ${idSql(1, 'u.n - 1')} WHERE cm.chat_id = ${chats[1]}`.execute(
      d,
    )
    // Each viewer sent the whole history, so has read it all, as after a send.
    for (const [c, chatId] of chats.entries()) {
      await d
        .updateTable('chat_members')
        .set({ last_read_message_id: messageId(c, MESSAGES - 1) })
        .where('chat_id', '=', chatId)
        .where('user_id', '=', viewers[c]!.id)
        .execute()
    }
    await sql`ANALYZE TABLE messages, message_reactions, message_reaction_counts, chat_members`.execute(
      d,
    )

    const get = async (c: number, path: string, input: unknown) => {
      const res = await fetch(
        `${server.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
        { headers: { authorization: `Bearer ${viewers[c]!.token}` } },
      )
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`)
      return res.json() as Promise<{
        result: { data: { items: { reactions?: unknown[]; seenBy?: number }[] } }
      }>
    }
    /** The page before the n-th message, and the "seen by" counts of its (own) messages. */
    const calls = [
      (c: number, n: number) =>
        get(c, 'messages.list', { chatId: chats[c], before: messageId(c, n), limit: 50 }),
      (c: number, n: number) =>
        get(c, 'chats.receipts', {
          chatId: chats[c],
          messageIds: Array.from({ length: 50 }, (_, k) => messageId(c, n - 1 - k)),
        }),
      (c: number) => get(c, 'chats.list', { limit: 30 }),
    ]
    const page = await calls[0]!(1, 500)
    if (page.result.data.items[0]?.reactions?.length !== 3) throw new Error('reactions missing')
    const seen = await calls[1]!(1, 500)
    if (!seen.result.data.items.some((i) => (i.seenBy ?? 0) > 0)) throw new Error('marks missing')
    // times[call][group]
    const times = calls.map((): number[][] => [[], []])
    for (let i = 0; i < SAMPLES + 20; i++) {
      const n = 51 + Math.floor(Math.random() * (MESSAGES - 51))
      for (const [k, call] of calls.entries()) {
        // Either group goes first every other time: neither always follows the other's garbage.
        for (const c of i % 2 === 0 ? [0, 1] : [1, 0]) {
          const t0 = performance.now()
          await call(c, n)
          if (i >= 20) times[k]![c]!.push(performance.now() - t0)
        }
      }
    }
    const names = ['history page', 'seen-by counts of the page', 'chat list']
    const rows = names.flatMap((name, k) =>
      ['without', 'with'].map((w, c) => [
        name,
        `group ${w}`,
        fmt(median(times[k]![c]!)),
        fmt(quantile(times[k]![c]!, 0.99)),
      ]),
    )
    const ratios = names.map(
      (name, k) => `${name} ${fmt(median(times[k]![1]!) / median(times[k]![0]!))}`,
    )
    return [
      `Two ${MEMBERS}-member groups with ${MESSAGES.toLocaleString('en')} messages each, a viewer each (the sender of its messages); ${SAMPLES} calls each over HTTP, the two groups interleaved (each first every other time), the same page of each. With reactions and read marks: every member reacted to every message (${(MEMBERS * MESSAGES).toLocaleString('en')} reactions) and every member's read mark is at a different message; without: none of either. A history page is messages.list (50 messages, reactions included); its seen-by counts are chats.receipts for those 50.`,
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
