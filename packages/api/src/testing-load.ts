import { randomUUID } from 'node:crypto'
import { createApp } from './app'
import { createDeps } from './deps'
import { createTestApp, type TestApp } from './testing'
import { collectEvents, listen, type Received } from './testing-sse'

/** `n` users, one after another: concurrent logins from one address deadlock in the throttle. */
export const signUps = async (t: TestApp, n: number) => {
  const users: Awaited<ReturnType<TestApp['signUp']>>[] = []
  for (let i = 0; i < n; i++) users.push(await t.signUp())
  return users
}

/** `senders` and `readers` in one group, with each reader's stream open on `streamUrl`. */
export const loadGroup = async (
  t: TestApp,
  o: { senders: number; readers: number; streamUrl: string },
) => {
  const senders = await signUps(t, o.senders)
  const readers = await signUps(t, o.readers)
  const group = await senders[0]!.caller.chats.createGroup({
    title: 'Load',
    memberIds: [...senders, ...readers].map((u) => u.user.id),
  })
  const streams = readers.map((r) => collectEvents(o.streamUrl, r.accessToken))
  await Promise.all(streams.map((s) => s.ready))
  /** Every sender sends to the group, as `sendLoad` describes. */
  const load = (l: Omit<Parameters<typeof sendLoad>[0], 'senders'>) =>
    sendLoad({ ...l, senders: senders.map((s) => ({ token: s.accessToken, chatId: group.id })) })
  return { senders, readers, group, streams, load }
}

/**
 * Two instances on one database, as behind nginx: `one` is the test app, `two` a second set of
 * dependencies on the same database and configuration (so the same Redis).
 */
export const twoInstances = async (config: Parameters<typeof createTestApp>[0] = {}) => {
  const t = await createTestApp(config)
  const second = await createDeps(t.config, { db: t.db })
  const one = await listen(t.app)
  const two = await listen(createApp(second))
  return {
    t,
    one,
    two,
    /** The second instance's dependencies. */
    second,
    close: async () => {
      await one.close()
      await two.close()
      await second.presence.close()
      await second.indexer.stop()
      await second.bus.close()
      await t.close()
    },
  }
}

/** Polls `/readyz` until stopped; each sample says when it answered what (0: no answer). */
export const pollReady = (url: string, intervalMs: number) => {
  const samples: { at: number; status: number }[] = []
  const polling = { on: true }
  const loop = (async () => {
    while (polling.on) {
      const res = await fetch(`${url}/readyz`).catch(() => null)
      samples.push({ at: performance.now(), status: res?.status ?? 0 })
      await new Promise((r) => setTimeout(r, intervalMs))
    }
  })()
  return {
    samples,
    stop: async () => {
      polling.on = false
      await loop
      return samples
    },
  }
}

export interface Sender {
  token: string
  chatId: string
}

export interface Acked {
  clientId: string
  messageId: string
  /** From the first attempt to the answer that acknowledged it. */
  ms: number
  attempts: number
}

/**
 * Sends as clients do under faults: every sender sends `perSender` messages one after another
 * through the HTTP API, and retries a failed send (an error answer, a dropped connection, no
 * answer in time) with the same clientId until it is acknowledged.
 */
export const sendLoad = async (o: {
  url: string
  senders: readonly Sender[]
  perSender: number
  pauseMs?: number
  attemptTimeoutMs?: number
  retryMs?: number
  giveUpMs?: number
  /** Called on each acknowledgement, e.g. to tell what was sent during an outage. */
  onAck?: (a: Acked) => void
}) => {
  const acked: Acked[] = []
  const attemptMs: number[] = []
  let failedAttempts = 0
  let unacked = 0
  const sendOne = async (s: Sender, text: string) => {
    const clientId = randomUUID()
    const started = performance.now()
    for (let attempt = 1; ; attempt++) {
      const t0 = performance.now()
      try {
        const res = await fetch(`${o.url}/trpc/messages.send`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
          body: JSON.stringify({ chatId: s.chatId, clientId, text }),
          signal: AbortSignal.timeout(o.attemptTimeoutMs ?? 5000),
        })
        const body = (await res.json()) as { result?: { data: { id: string } } }
        if (res.ok && body.result) {
          attemptMs.push(performance.now() - t0)
          const ms = performance.now() - started
          const a = { clientId, messageId: body.result.data.id, ms, attempts: attempt }
          acked.push(a)
          o.onAck?.(a)
          return
        }
      } catch {
        // A dropped connection or a timeout: the same as an error answer, try again.
      }
      failedAttempts++
      if (performance.now() - started > (o.giveUpMs ?? 60_000)) {
        unacked++
        return
      }
      await new Promise((r) => setTimeout(r, o.retryMs ?? 100))
    }
  }
  await Promise.all(
    o.senders.map(async (s, i) => {
      for (let n = 0; n < o.perSender; n++) {
        await sendOne(s, `sender ${i} message ${n}`)
        if (o.pauseMs) await new Promise((r) => setTimeout(r, o.pauseMs))
      }
    }),
  )
  return { acked, attemptMs, failedAttempts, unacked }
}

/** How a stream's message.created events compare with what was acknowledged. */
export const checkStream = (received: readonly Received[], acked: readonly Acked[]) => {
  const ids = received.flatMap((r) =>
    r.event.type === 'message.created' ? [r.event.message.id] : [],
  )
  const expected = new Set(acked.map((a) => a.messageId))
  const seen = new Set<string>()
  let duplicated = 0
  for (const id of ids) {
    if (seen.has(id)) duplicated++
    seen.add(id)
  }
  const eventIds = received.map((r) => Number(r.id))
  return {
    missing: [...expected].filter((id) => !seen.has(id)).length,
    duplicated,
    unexpected: [...seen].filter((id) => !expected.has(id)).length,
    inOrder: eventIds.every((id, i) => i === 0 || id > eventIds[i - 1]!),
  }
}

/**
 * Waits until each stream holds every acknowledged message (or `timeoutMs` passes), lets stragglers
 * arrive, then compares each with `acked` and closes it.
 */
export const settleStreams = async (
  streams: readonly ReturnType<typeof collectEvents>[],
  acked: readonly Acked[],
  timeoutMs = 15_000,
) => {
  const checks: ReturnType<typeof checkStream>[] = []
  for (const s of streams) {
    await s.next(acked.length, timeoutMs).catch(() => undefined)
    // Anything duplicated would arrive right after.
    await new Promise((r) => setTimeout(r, 300))
    checks.push(checkStream(s.received, acked))
    s.close()
  }
  return checks
}

export const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}
