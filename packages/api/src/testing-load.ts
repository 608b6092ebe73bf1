import { randomUUID } from 'node:crypto'
import type { TestApp } from './testing'
import type { Received } from './testing-sse'

/** `n` users, one after another: concurrent logins from one address deadlock in the throttle. */
export const signUps = async (t: TestApp, n: number) => {
  const users: Awaited<ReturnType<TestApp['signUp']>>[] = []
  for (let i = 0; i < n; i++) users.push(await t.signUp())
  return users
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

export const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}
