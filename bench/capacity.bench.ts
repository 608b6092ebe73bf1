/**
 * How many live users one instance holds. Every user holds an SSE stream, is in one personal chat
 * and two 20-member groups, and acts about once per BENCH_CAPACITY_INTERVAL_S (60 s): 50% send,
 * 25% history page, 10% chat list, 10% mark read, 5% search. The server runs in a process of its
 * own; the load in BENCH_CAPACITY_GENERATORS processes of their own. Users are added in steps
 * (BENCH_CAPACITY_STEPS) and each step runs the model for BENCH_CAPACITY_STEP_S; the largest step
 * that passes Mattermost's bar (avg ≤ 100 ms, p99 ≤ 2 s, errors + timeouts < 0.025%) is the
 * capacity. Then 1.5× that: at least 90% of calls must meet the bar or get a fast 503, no event
 * may be lost, and the calls served (200s) must be at least 90% of the capacity step's: a server
 * that only sheds does not pass. The server runs as the production bundle (bench/bundle.ts).
 * Each child raises its fd limit to FD_LIMIT where it may (root) and its soft limit to its hard
 * one; the server needs one fd per stream, so steps beyond the hard limit are skipped, and the
 * 1.5× step is cut to what the limit allows (the table says so). Streams are opened OPEN_BATCH at
 * a time, as clients arrive. The idle figure comes first: the RSS that IDLE_STREAMS idle streams
 * add past a warm-up of IDLE_WARM, divided by their number; then they are closed and the sweep
 * starts.
 * BENCH_CAPACITY_SERVER_FLAGS adds node flags to the server (--heap-prof); BENCH_PROFILE=<folder>
 * writes a CPU profile of each step's load there.
 */
import { execSync, type ChildProcess } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { signAccessToken } from '@messenger/api/tokens'
import { insertChat } from '@messenger/db'
import { PRESENCE_GRACE_MS } from '@messenger/shared'
import { createTestDb } from '@messenger/db/testing'
import { KINDS, type ActReport, type Command, type LoadUser } from './capacity-model'
import { fmt, mariadbCpu, median, quantile, table } from './lib'
import { child, nextMessage, raiseFds, startApiProcess } from './processes'
import { seedUsers } from './server'

const env = process.env
export const envSteps = () => env.BENCH_CAPACITY_STEPS?.split(',').map(Number)
const STEP_S = Number(env.BENCH_CAPACITY_STEP_S ?? 90)
/** A folder: each step's server CPU profile is written there (what serving costs, not setup). */
const PROFILE = env.BENCH_PROFILE
const GENERATORS = Number(env.BENCH_CAPACITY_GENERATORS ?? 2)
const TIMEOUT_MS = 10_000
const OPEN_BATCH = 500
/** Streams opened for the idle figure (fewer if the fd limit or the sweep's users are fewer). */
const IDLE_STREAMS = 15_000
/**
 * Streams opened before the idle figure's first reading: what the process gains once (code, pools,
 * the young generation growing to its full size, about 50 MB, which opening streams by the
 * thousand sets off somewhere between 2,000 and 4,000) is no stream’s cost.
 */
const IDLE_WARM = 5000
/** Access tokens last 15 minutes: re-signed before a step once older than this. */
const TOKEN_REFRESH_MS = 8 * 60_000
/** Source addresses for the load: each gives ~28,000 ephemeral ports toward the server. */
const ADDRESSES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`)
const GROUP = 20
/** Groups are made within blocks of 400 users, so every step that is a multiple has whole groups. */
const BLOCK = GROUP * GROUP
const WORDS = Array.from({ length: 400 }, (_, i) =>
  (i * 2654435761).toString(36).replace(/[0-9]/g, '').slice(0, 7).padEnd(4, 'e'),
)

const dir = import.meta.dirname

interface StepResult {
  users: number
  /** status×count; 0 is a client timeout, -1 a failed connection. */
  statuses: string
  calls: number
  avg: number
  p99: number
  failed: number
  unavailable: number
  fastUnavailable: number
  good: number
  /** Calls answered 200: what got done. */
  ok: number
  lost: number
  sent: number
  perKind: string
  reconnects: number
  /** The server's CPU time (user + system) per call: what the load costs it, however loaded the machine. */
  cpuMsPerCall: number
  /** MariaDB's CPU time per call over the same step (null where it cannot be read). */
  dbMsPerCall: number | null
  /** Event-loop delay p99 / max over the step, ms: the server's, and the worst generator's. */
  loop: string
}

const summarize = (
  users: number,
  reports: ActReport[],
  members: Map<string, number>,
): StepResult => {
  const ms = reports.flatMap((r) => r.ms)
  const statuses = reports.flatMap((r) => r.statuses)
  const kinds = reports.flatMap((r) => r.kinds)
  const received = new Map<string, number>()
  for (const r of reports)
    for (const [id, n] of r.receipts) received.set(id, (received.get(id) ?? 0) + n)
  let lost = 0
  let sent = 0
  for (const r of reports) {
    for (const [id, chatId] of r.sent) {
      sent++
      lost += Math.max(0, members.get(chatId)! - (received.get(id) ?? 0))
    }
  }
  const ok = statuses.map((s) => s === 200)
  const unavailable = statuses.filter((s) => s === 503).length
  const fastUnavailable = statuses.filter((s, i) => s === 503 && ms[i]! <= 2000).length
  const good = statuses.filter((s, i) => (s === 200 || s === 503) && ms[i]! <= 2000).length
  const perKind = KINDS.map((k, ki) => {
    const own = ms.filter((_, i) => kinds[i] === ki && ok[i])
    return `${k} ${fmt(own.reduce((a, b) => a + b, 0) / Math.max(1, own.length), 0)}/${fmt(quantile(own, 0.99), 0)}`
  }).join(', ')
  const histogram = new Map<number, number>()
  for (const s of statuses) histogram.set(s, (histogram.get(s) ?? 0) + 1)
  return {
    users,
    statuses: [...histogram].map(([s, n]) => `${s}×${n}`).join(' '),
    calls: ms.length,
    avg: ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length),
    p99: quantile(ms, 0.99),
    failed: statuses.filter((s) => s !== 200).length,
    unavailable,
    fastUnavailable,
    good,
    ok: ok.filter(Boolean).length,
    lost,
    sent,
    perKind,
    reconnects: reports.reduce((a, r) => a + r.reconnects, 0),
    cpuMsPerCall: 0,
    dbMsPerCall: null,
    loop: `generators ${fmt(Math.max(...reports.map((r) => r.loopDelay.p99)), 0)}/${fmt(Math.max(...reports.map((r) => r.loopDelay.max)), 0)}`,
  }
}
const passes = (r: StepResult) =>
  r.calls > 0 && r.avg <= 100 && r.p99 <= 2000 && r.failed / r.calls < 0.00025

/** The sweep at one action per `intervalS` per user; `capacity-10s.bench.ts` runs it at 10 s. */
export async function runCapacity({ steps, intervalS }: { steps: number[]; intervalS: number }) {
  const STEPS = steps
  const INTERVAL_S = intervalS
  const maxUsers = Math.ceil((Math.max(...STEPS) * 1.5) / BLOCK) * BLOCK
  const db = await createTestDb()
  const jwtSecret = randomBytes(32).toString('hex')
  const procs: ChildProcess[] = []
  try {
    console.log(`seeding ${maxUsers} users and their chats…`)
    const seeded = await seedUsers({ db: db.db, config: { jwtSecret } }, maxUsers, 'cap')
    const users: LoadUser[] = seeded.map((u) => ({ ...u, chats: [] }))
    const members = new Map<string, number>()
    const now = new Date()
    const chats: { id: string; ids: string[]; direct: boolean }[] = []
    for (let i = 0; i + 1 < maxUsers; i += 2) {
      chats.push({ id: randomUUID(), ids: [users[i]!.id, users[i + 1]!.id], direct: true })
    }
    for (let b = 0; b < maxUsers; b += BLOCK) {
      for (let g = 0; g < GROUP; g++) {
        // Rows of the block, then its columns: two groups each, sharing at most one member.
        const row = Array.from({ length: GROUP }, (_, k) => users[b + g * GROUP + k]!.id)
        const col = Array.from({ length: GROUP }, (_, k) => users[b + k * GROUP + g]!.id)
        chats.push(
          { id: randomUUID(), ids: row, direct: false },
          { id: randomUUID(), ids: col, direct: false },
        )
      }
    }
    const index = new Map(users.map((u) => [u.id, u]))
    for (let i = 0; i < chats.length; i += 16) {
      await Promise.all(
        chats
          .slice(i, i + 16)
          .map((c) =>
            insertChat(
              db.db,
              c.direct
                ? { id: c.id, direct: { pair: [c.ids[0]!, c.ids[1]!] } }
                : { id: c.id, group: { title: 'Team', ownerId: c.ids[0]! } },
              c.ids,
              now,
            ),
          ),
      )
    }
    for (const c of chats) {
      members.set(c.id, c.ids.length)
      for (const id of c.ids) index.get(id)!.chats.push(c.id)
    }

    const api = await startApiProcess(db.url, jwtSecret, {}, env.BENCH_CAPACITY_SERVER_FLAGS)
    const server = api.process
    procs.push(server)
    const { url, memory, cpu } = api
    const dbCpu = await mariadbCpu(db.db)
    const generators = Array.from({ length: GENERATORS }, () =>
      child(join(dir, 'capacity-load.ts'), {}),
    )
    procs.push(...generators)
    await Promise.all(generators.map((g) => nextMessage(g, 'ready')))
    const command = (g: ChildProcess, c: Command) => g.send(c)

    let open = 0
    const openUpTo = async (n: number) => {
      for (let from = open; from < n; from += OPEN_BATCH) {
        const slices = generators.map(() => [] as LoadUser[])
        for (let i = from; i < Math.min(n, from + OPEN_BATCH); i++) {
          slices[i % GENERATORS]!.push(users[i]!)
        }
        const done = generators.map((g) => nextMessage(g, 'opened'))
        generators.forEach((g, k) =>
          command(g, { type: 'open', url, users: slices[k]!, addresses: ADDRESSES }),
        )
        await Promise.all(done)
      }
      open = n
    }
    const closeAll = async () => {
      await Promise.all(
        generators.map((g) => {
          const closed = nextMessage(g, 'closed')
          command(g, { type: 'close' })
          return closed
        }),
      )
      open = 0
    }
    let signedAt = Date.now()
    const refreshTokens = async () => {
      if (Date.now() - signedAt < TOKEN_REFRESH_MS) return
      signedAt = Date.now()
      const tokens: [string, string][] = []
      for (const u of seeded) {
        const { token } = await signAccessToken(jwtSecret, { userId: u.id, sessionId: u.sessionId })
        tokens.push([u.id, token])
      }
      const done = generators.map((g) => nextMessage(g, 'tokens'))
      for (const g of generators) command(g, { type: 'tokens', tokens })
      await Promise.all(done)
    }
    /**
     * Opening or closing thousands of streams leaves the server writing presence (one transaction
     * per person, after a grace period for closes) for a while: a step measures the steady state,
     * so it starts once the server's CPU use is back under a tenth of a core (at most 2 minutes).
     */
    const settle = async () => {
      const deadline = Date.now() + 120_000
      await new Promise((r) => setTimeout(r, PRESENCE_GRACE_MS + 1000))
      for (;;) {
        const before = await cpu()
        await new Promise((r) => setTimeout(r, 1000))
        if ((await cpu()) - before < 100 || Date.now() > deadline) return
      }
    }
    const act = async () => {
      await settle()
      await refreshTokens()
      const cpu0 = await cpu()
      const db0 = dbCpu()
      api.loopStart()
      if (PROFILE) api.profileStart()
      const done = generators.map((g) => nextMessage<ActReport>(g, 'acted'))
      for (const g of generators) {
        command(g, {
          type: 'act',
          intervalMs: INTERVAL_S * 1000,
          durationMs: STEP_S * 1000,
          timeoutMs: TIMEOUT_MS,
          words: WORDS,
        })
      }
      const acted = await Promise.all(done)
      if (PROFILE) {
        const file = join(PROFILE, `capacity-${open}-${Date.now()}.cpuprofile`)
        await api.profileStop(file)
        console.log(`CPU profile of the step: ${file}`)
      }
      const r = summarize(open, acted, members)
      const loop = await api.loop()
      r.loop = `server ${fmt(loop.p99, 0)}/${fmt(loop.max, 0)}, ${r.loop}`
      r.cpuMsPerCall = ((await cpu()) - cpu0) / Math.max(1, r.calls)
      const db1 = dbCpu()
      r.dbMsPerCall = db0 === null || db1 === null ? null : (db1 - db0) / Math.max(1, r.calls)
      return r
    }

    const results: StepResult[] = []
    let capacity = 0
    const fdLimit =
      Number(execSync(`${raiseFds}; ulimit -n`, { shell: 'bash' }).toString().trim()) || Infinity

    // Idle streams first, on a server that has served nothing else: the first IDLE_WARM warm it
    // up and are not counted.
    const warmN = Math.min(IDLE_WARM, Math.floor(maxUsers / 2))
    const idleN = Math.max(2 * warmN, Math.min(IDLE_STREAMS, maxUsers, fdLimit - 1000))
    await openUpTo(warmN)
    const warm = await memory()
    await openUpTo(idleN)
    const after = await memory()
    const per = (a: number, b: number) => fmt((b - a) / (idleN - warmN) / 1024, 1)
    const idle = `${per(warm.rss, after.rss)} KB of RSS per idle stream, ${per(warm.heap, after.heap)} KB of it heap (server RSS ${fmt(warm.rss / 2 ** 20, 0)} MB with ${warmN} streams, ${fmt(after.rss / 2 ** 20, 0)} MB with ${idleN}, opened ${OPEN_BATCH} at a time)`
    console.log(idle)
    await closeAll()

    const skipped: number[] = []
    for (const step of STEPS) {
      const n = Math.round(step / BLOCK) * BLOCK || BLOCK
      // Beyond 1.5× too, with some fds left for the pool and the requests.
      if (n + 1000 > fdLimit) {
        skipped.push(n)
        continue
      }
      const t0 = performance.now()
      await openUpTo(n)
      console.log(`${n} streams open in ${fmt((performance.now() - t0) / 1000, 1)} s`)
      const r = await act()
      results.push(r)
      console.log(JSON.stringify(r))
      if (!passes(r)) break
      capacity = n
    }
    let beyond: StepResult | null = null
    if (capacity > 0) {
      const n = Math.min(
        Math.round((capacity * 1.5) / BLOCK) * BLOCK,
        Math.floor((fdLimit - 1000) / BLOCK) * BLOCK,
      )
      // Every open stream acts: past a failed step larger than 1.5× some must go.
      if (n < open) await closeAll()
      await openUpTo(n)
      beyond = await act()
      console.log(JSON.stringify(beyond))
    }
    const row = (r: StepResult, bar: string) => [
      r.users,
      r.calls,
      fmt(r.avg, 1),
      fmt(r.p99, 0),
      `${fmt((r.failed / Math.max(1, r.calls)) * 100, 3)}%`,
      r.unavailable,
      `${fmt((r.good / Math.max(1, r.calls)) * 100, 1)}%`,
      `${r.lost} of ${r.sent}`,
      fmt(r.cpuMsPerCall, 2),
      r.dbMsPerCall === null ? 'n/a' : fmt(r.dbMsPerCall, 2),
      bar,
    ]
    const rows = results.map((r) => row(r, passes(r) ? 'pass' : 'fail'))
    // No cliff: besides the bar's share, the calls served must not fall below what the capacity
    // step served (fast 503s alone would meet the share while serving nothing).
    const served = results.find((r) => r.users === capacity)?.ok ?? 0
    if (beyond)
      rows.push(
        row(
          beyond,
          `1.5×: ${beyond.good / beyond.calls >= 0.9 && beyond.lost === 0 && beyond.ok >= 0.9 * served ? 'pass' : 'fail'} (${beyond.ok} served, ${served} at capacity${beyond.users < Math.round((capacity * 1.5) / BLOCK) * BLOCK ? `; only ${fmt(beyond.users / capacity, 2)}×: the fd hard limit here is ${fdLimit}` : ''})`,
        ),
      )
    const loadAverage = (await import('node:os')).loadavg()[0]!
    return [
      `Each user holds an SSE stream, is in a personal chat and two 20-member groups and acts every ${INTERVAL_S} s on average (Poisson): 50% send, 25% history page, 10% chat list, 10% mark read, 5% search. Server in its own process, run as the production bundle (defaults: 30 connections, 64 requests at once); load from ${GENERATORS} processes over ${ADDRESSES.length} loopback addresses; ${STEP_S} s per step; client timeout ${TIMEOUT_MS / 1000} s. Load average when done: ${fmt(loadAverage, 1)}.`,
      '',
      table(
        [
          'users',
          'calls',
          'avg ms',
          'p99 ms',
          'errors + timeouts',
          '503s',
          'ok or fast 503 (≤ 2 s)',
          'message events lost',
          'server CPU ms per call',
          'MariaDB CPU ms per call',
          'bar',
        ],
        rows,
      ),
      '',
      `Per kind, avg/p99 ms of successful calls at the last step: ${results.at(-1)?.perKind ?? ''}.`,
      '',
      `Event-loop delay p99/max ms per step (a late answer can be the server's or the load generator's): ${[...results, ...(beyond ? [beyond] : [])].map((r) => `${r.users}: ${r.loop}`).join('; ')}.`,
      '',
      ...(() => {
        // CPU time is what the load costs the server whatever else runs on the machine.
        const ms = median(results.map((r) => r.cpuMsPerCall))
        return [
          `The server's CPU time per call (median over the steps, fan-out and pings included): ${fmt(ms, 2)} ms, so one core given to it alone would serve about ${fmt(1000 / ms, 0)} calls/s, ${fmt((1000 / ms) * INTERVAL_S, 0)} users at an action every ${INTERVAL_S} s; MariaDB's CPU, on the same machine, comes on top.`,
          '',
        ]
      })(),
      ...(skipped.length > 0
        ? [
            `Not run: ${skipped.join(', ')} users — the fd hard limit here is ${fdLimit} per process and the server needs one per stream.`,
            '',
          ]
        : []),
      `**Capacity: ${capacity} users** at an action every ${INTERVAL_S} s (target ≥ ${INTERVAL_S >= 60 ? '25,000' : '5,000'}); idle stream: ${idle} (target ≤ 10 KB).`,
    ].join('\n')
  } finally {
    for (const g of procs.slice(1)) g.send({ type: 'exit' } satisfies Command)
    procs[0]?.kill()
    // Long enough for --cpu-prof to write its profile.
    const exited = (p: ChildProcess) =>
      p.exitCode !== null || p.signalCode !== null
        ? Promise.resolve()
        : new Promise((r) => p.once('exit', r))
    await Promise.race([Promise.all(procs.map(exited)), new Promise((r) => setTimeout(r, 10_000))])
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL')
    await db.drop()
  }
}

export const run = () =>
  runCapacity({
    steps: envSteps() ?? [1000, 2500, 5000, 10000, 15000, 20000, 25000],
    intervalS: Number(env.BENCH_CAPACITY_INTERVAL_S ?? 60),
  })
