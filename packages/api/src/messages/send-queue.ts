import {
  MAX_SEND_BATCH,
  retryOnDeadlock,
  sendMessageRows,
  type Db,
  type SendOutcome,
  type SendRow,
} from '@messenger/db'
import type { MemberCache } from '../chats/members'

interface Waiting {
  row: SendRow
  resolve: (outcome: SendOutcome) => void
  reject: (error: unknown) => void
}

/** How long a call may run before the next one starts beside it rather than waiting its turn. */
const STALL_MS = 100
/** Calls at a time when each in turn stalls. */
const MAX_IN_FLIGHT = 4

/**
 * Sends that arrive while others are being stored go together in the next `send_messages` call:
 * one transaction, one take of the event counter's lock and one round trip for all of them. On
 * the send benchmark this halved MariaDB's CPU per send. Nothing waits on a timer: a lone send
 * goes at once, and under load each call takes whatever came in meanwhile (up to
 * MAX_SEND_BATCH). One call runs at a time (the cheapest per send, with the largest batches), and
 * another starts beside it once the newest has run for STALL_MS: a chat held by a long transaction
 * (a large chat being deleted) holds back only the sends that went with it.
 */
export const createSendQueue = (db: Db, members?: MemberCache) => {
  const waiting: Waiting[] = []
  let running = 0
  let newestStart = 0
  let timer: NodeJS.Timeout | null = null

  const store = async (batch: Waiting[]) => {
    try {
      const outcomes = await retryOnDeadlock(() =>
        sendMessageRows(
          db,
          batch.map((w) => w.row),
        ),
      )
      batch.forEach((w, i) => {
        const outcome = outcomes[i]!
        if (outcome.status === 'sent') members?.keep(w.row.chat_id, outcome.members)
        w.resolve(outcome)
      })
    } catch (e) {
      // A statement the database refused fails its message alone: each goes again by itself.
      // Without an answer from the database (a lost connection) every message fails as it is.
      if (batch.length === 1 || !isSqlError(e)) for (const w of batch) w.reject(e)
      else await Promise.all(batch.map((w) => store([w])))
    }
  }

  const pump = () => {
    const now = Date.now()
    while (
      waiting.length > 0 &&
      (running === 0 || (running < MAX_IN_FLIGHT && now - newestStart >= STALL_MS))
    ) {
      const batch = waiting.splice(0, MAX_SEND_BATCH)
      running++
      newestStart = now
      void store(batch).finally(() => {
        running--
        pump()
      })
    }
    // Still waiting behind a call: look again when it has run for STALL_MS.
    if (waiting.length > 0 && running < MAX_IN_FLIGHT && timer === null) {
      timer = setTimeout(
        () => {
          timer = null
          pump()
        },
        Math.max(1, newestStart + STALL_MS - now),
      )
      timer.unref()
    }
  }

  return {
    send: (row: SendRow) =>
      new Promise<SendOutcome>((resolve, reject) => {
        // The list this instance keeps spares the database reading the members again.
        const knownMembers = members?.peek(row.chat_id)
        waiting.push({ row: knownMembers ? { ...row, knownMembers } : row, resolve, reject })
        pump()
      }),
  }
}

const isSqlError = (e: unknown) => typeof e === 'object' && e !== null && 'sqlState' in e
