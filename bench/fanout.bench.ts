/**
 * One message to a group of 1,000 members who all hold a live stream: time from the send call to
 * each member's receipt. Once on one instance, once on two instances joined through Redis. Each
 * instance is the production bundle in a process of its own (bench/processes.ts).
 * BENCH_PROFILE=<folder> writes a CPU profile of each instance over the measured messages alone;
 * BENCH_FANOUT_TRACE=1 prints each message's answer time and its first, median and last receipt.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { createTestDb } from '@messenger/db/testing'
import { fmt, mariadbCpu, quantile, table, tsWorker } from './lib'
import { startApiProcess, type ServerProcess } from './processes'
import { seedUsers } from './server'

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1000)
/**
 * Receipts of one message come together, so a p99 over few messages is really their worst one:
 * enough messages that the 1% tail is a few of them, not the maximum.
 */
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200)
/**
 * Messages sent, with their mix, before the measured ones: a fresh process runs its first sends,
 * reactions and typing calls through cold code (V8 optimizes a function after many calls, on
 * threads that share these two cores) and MariaDB through cold pages; here the first 10–15
 * messages' sends were answered 2–4× slower than later ones. That is start-up, not fan-out:
 * steady state is what a server serves all day. The worst receipt is printed too.
 */
const WARMUP = 20
/** Reactions set by other members while each message goes out, each one an event to all. */
const REACTIONS_PER_MESSAGE = Number(process.env.BENCH_REACTIONS ?? 5)
const EMOJI = ['👍', '❤️', '😂', '😮', '😢']
/** Members announcing that they type while each message goes out: ephemeral events to all. */
const TYPING_PER_MESSAGE = Number(process.env.BENCH_TYPING ?? 5)

const now = () => performance.timeOrigin + performance.now()

const measure = async (
  send: ServerProcess,
  listeners: ServerProcess[],
  users: { id: string; token: string }[],
  dbCpu: () => number | null,
) => {
  const owner = users[0]!
  const res = await fetch(`${send.url}/trpc/chats.createGroup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
    body: JSON.stringify({ title: 'Everyone', memberIds: users.slice(1).map((u) => u.id) }),
  })
  const chatId = ((await res.json()) as { result: { data: { id: string } } }).result.data.id
  // The subscribers live on a worker thread, so they do not share the server's event loop.
  const worker = await tsWorker(new URL('./sse-clients.ts', import.meta.url), {
    streams: users.map((u, i) => ({ url: listeners[i % listeners.length]!.url, token: u.token })),
  })
  const reports: { message: number; at: number[] }[] = []
  let wake: () => void = () => undefined
  let ready = false
  worker.on('message', (m: { ready?: true; message?: number; at?: number[] }) => {
    if (m.ready) ready = true
    if (m.at) reports.push({ message: m.message!, at: m.at })
    wake()
  })
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => (done() ? resolve() : (wake = check))
      check()
    })
  await until(() => ready)
  const profile = process.env.BENCH_PROFILE
  let cpu0: number[] = []
  let db0: number | null = null
  const latencies: number[] = []
  /** When the send's own answer came: the part of a receipt's latency that is not fan-out. */
  const answered: number[] = []
  const post = (who: { token: string }, procedure: string, input: unknown) =>
    fetch(`${send.url}/trpc/${procedure}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${who.token}` },
      body: JSON.stringify(input),
    })
  let previous: string | null = null
  for (let m = 0; m < WARMUP + MESSAGES; m++) {
    if (m === WARMUP) {
      if (profile) for (const s of listeners) s.profileStart()
      cpu0 = await Promise.all(listeners.map((s) => s.cpu()))
      db0 = dbCpu()
    }
    const measured = m >= WARMUP
    // The mix: members react to the previous message while this one goes out.
    const target = previous
    const mix =
      target === null
        ? Promise.resolve()
        : Promise.all(
            Array.from({ length: REACTIONS_PER_MESSAGE }, (_, k) =>
              post(
                users[1 + ((m * REACTIONS_PER_MESSAGE + k) % (users.length - 1))]!,
                'messages.react',
                {
                  messageId: target,
                  emoji: EMOJI[k % EMOJI.length],
                  active: true,
                },
              ).then((r) => r.arrayBuffer()),
            ),
          )
    const typing = Promise.all(
      Array.from({ length: TYPING_PER_MESSAGE }, (_, k) =>
        post(
          users[users.length - 1 - ((m * TYPING_PER_MESSAGE + k) % (users.length - 1))]!,
          'chats.typing',
          {
            chatId,
          },
        ).then((r) => r.arrayBuffer()),
      ),
    )
    const t0 = now()
    const sent = await post(owner, 'messages.send', {
      chatId,
      clientId: randomUUID(),
      text: `fan-out ${m}`,
    })
    previous = ((await sent.json()) as { result: { data: { id: string } } }).result.data.id
    const answeredAt = now() - t0
    await until(() => reports.length > m)
    await Promise.all([mix, typing])
    if (measured) {
      answered.push(answeredAt)
      for (const at of reports[m]!.at) latencies.push(at - t0)
    }
    if (process.env.BENCH_FANOUT_TRACE) {
      const mine = reports[m]!.at.map((at) => at - t0).sort((a, b) => a - b)
      console.log(m, fmt(answeredAt), fmt(mine[0]!), fmt(quantile(mine, 0.5)), fmt(mine.at(-1)!))
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  const cpu1 = await Promise.all(listeners.map((s) => s.cpu()))
  const db1 = dbCpu()
  if (profile) {
    await Promise.all(
      listeners.map((s, i) =>
        s.profileStop(join(profile, `fanout-${listeners.length}-${i}-${Date.now()}.cpuprofile`)),
      ),
    )
  }
  await worker.terminate()
  // What one message and its mix cost the instances, over the whole loop (its pauses are idle).
  const cpuPerMessage = cpu1.reduce((a, c, i) => a + c - cpu0[i]!, 0) / MESSAGES
  const dbPerMessage = db0 === null || db1 === null ? null : (db1 - db0) / MESSAGES
  return { latencies, answered, cpuPerMessage, dbPerMessage }
}

export async function run() {
  const rows: string[][] = []
  for (const redis of [false, true]) {
    const db = await createTestDb()
    const env: Record<string, string> = redis ? { REDIS_URL: 'redis://127.0.0.1:6379' } : {}
    const jwtSecret = randomBytes(32).toString('hex')
    const servers: ServerProcess[] = []
    try {
      for (let i = 0; i < (redis ? 2 : 1); i++)
        servers.push(
          await startApiProcess(db.url, jwtSecret, env, process.env.BENCH_FANOUT_SERVER_FLAGS),
        )
      const a = servers[0]!
      const users = await seedUsers({ db: db.db, config: { jwtSecret } }, MEMBERS, 'fan')
      const {
        latencies: l,
        answered,
        cpuPerMessage,
        dbPerMessage,
      } = await measure(a, servers, users, await mariadbCpu(db.db))
      rows.push([
        redis ? 'two instances via Redis' : 'one instance',
        String(l.length),
        fmt(quantile(l, 0.5)),
        fmt(quantile(l, 0.99)),
        fmt(quantile(l, 1)),
        redis ? '≤ 200' : '≤ 100',
        `${fmt(quantile(answered, 0.5))} / ${fmt(quantile(answered, 0.99))}`,
        fmt(cpuPerMessage, 1),
        dbPerMessage === null ? 'n/a' : fmt(dbPerMessage, 1),
      ])
    } finally {
      await Promise.all(servers.map((s) => s.stop()))
      await db.drop()
    }
  }
  return [
    `${MESSAGES} messages (after ${WARMUP} unmeasured ones that warm the code up) to a group of ${MEMBERS} members, each holding an SSE stream (raw SSE clients on a worker thread; each instance a production bundle in its own process); latency from the send call to each receipt. While each message goes out, ${REACTIONS_PER_MESSAGE} other members react to the one before and ${TYPING_PER_MESSAGE} announce typing (each one an event to every member too).`,
    '',
    table(
      [
        'setup',
        'receipts',
        'p50 ms',
        'p99 ms',
        'worst ms',
        'target p99 ms',
        'send answered p50 / p99 ms',
        'server CPU ms per message with its mix',
        'MariaDB CPU ms per message',
      ],
      rows,
    ),
  ].join('\n')
}
