import {
  advanceIndexCursor,
  claimIndexCursor,
  ensureIndexCursor,
  existingChatIds,
  findMessagesByIds,
  lastEventId,
  listEventsAfter,
  readIndexCursor,
  retryOnDeadlock,
  type Db,
  type Executor,
  type LoggedEvent,
} from '@messenger/db'
import type { Logger } from '../logger'
import type { IndexOp, SearchIndex } from './search-index'

export interface IndexerOptions {
  /** Events read and applied per claim (one Elasticsearch `_bulk`). */
  batchSize: number
  /** How often to look for new events when nobody wakes the indexer (other instances' sends). */
  pollMs: number
  /** Backoff after a failed batch: doubles from min to max, with jitter. */
  retryMinMs: number
  retryMaxMs: number
  /**
   * After a batch that applied something, how long sends may pile up before the next: under load
   * one claim then covers many messages instead of each send costing a transaction of its own.
   */
  gatherMs: number
}

export const defaultIndexerOptions: IndexerOptions = {
  batchSize: 500,
  pollMs: 1000,
  retryMinMs: 250,
  retryMaxMs: 30_000,
  gatherMs: 50,
}

/** What one claim did: more to do now, nothing new, or another worker holds the claim. */
export type BatchResult = 'more' | 'idle' | 'busy'

export interface IndexerStatus {
  running: boolean
  /** Failed batches in a row; 0 when the last one worked. */
  failures: number
  lastError: string | null
}

export interface Indexer {
  start(): void
  /** Stops after the batch in progress, if any. */
  stop(): Promise<void>
  /** Something was just committed to the event log: look now instead of at the next poll. */
  wake(): void
  /** Claims and applies one batch (the loop's step; tests call it directly). */
  runOnce(): Promise<BatchResult>
  status(): IndexerStatus
  /** Events in the log after the index's cursor. */
  lag(): Promise<number>
}

const BUSY_RECHECK_MS = 200

/** The index changes a run of events asks for; messages are read as they are now, in MySQL. */
export const opsForEvents = async (
  db: Executor,
  events: readonly LoggedEvent[],
): Promise<IndexOp[]> => {
  // A message touched several times in a batch is applied once, with its latest event's version.
  const latest = new Map<string, { version: number; chatId: string; isNew: boolean }>()
  const removed = new Set<string>()
  for (const e of events) {
    if (e.type === 'chat.removed') removed.add(e.chatId)
    else if (e.messageId !== null && e.type.startsWith('message.')) {
      // New when its creation is its only event here: the log holds nothing of it before that.
      latest.set(e.messageId, {
        version: e.id,
        chatId: e.chatId,
        isNew: e.type === 'message.created' && !latest.has(e.messageId),
      })
    }
  }
  const rows = new Map((await findMessagesByIds(db, [...latest.keys()])).map((r) => [r.id, r]))
  const ops: IndexOp[] = []
  for (const [messageId, { version, chatId, isNew }] of latest) {
    const row = rows.get(messageId)
    // "Ann added Bob" is the chat's history, not something anyone said: never found by search.
    if (row?.system_event != null) continue
    ops.push(
      row && row.deleted === 0
        ? {
            type: 'upsert',
            doc: {
              messageId,
              chatId: row.chat_id,
              senderId: row.sender_id,
              text: row.text ?? '',
              hasImage: row.image_ids !== null,
              createdAt: row.created_at,
            },
            version,
            isNew,
          }
        : { type: 'delete', messageId, chatId: row?.chat_id ?? chatId, version },
    )
  }
  // A member leaving logs chat.removed; when the last one left, the chat is gone: drop its entries.
  const alive = await existingChatIds(db, [...removed])
  for (const chatId of removed) if (!alive.has(chatId)) ops.push({ type: 'deleteChat', chatId })
  return ops
}

/**
 * Tails the event log into a search index. The cursor row in MySQL is claimed with
 * `FOR UPDATE SKIP LOCKED` for each batch, so any number of instances run one indexer each and
 * a batch is applied by one of them; a crash mid-batch rolls the claim back and the batch is
 * applied again (every change is idempotent). A failed batch is retried with backoff; nothing
 * is skipped, so the backlog drains once the backend is back.
 */
export const createIndexer = (
  db: Db,
  index: SearchIndex,
  log: Logger,
  options: Partial<IndexerOptions> = {},
): Indexer => {
  const o = { ...defaultIndexerOptions, ...options }
  const name = index.cursorName
  let running = false
  let loop: Promise<void> | null = null
  let prepared = false
  let failures = 0
  let lastError: string | null = null

  let woken = false
  /** Whether the last claim applied any event. */
  const claim = { applied: false }
  // A function, so TypeScript does not narrow the flag across the await that sets it.
  const appliedSome = () => claim.applied
  let interrupt: (() => void) | null = null
  /** Waits `ms`; a wake cuts it short when `wakeable`, stop() always does. */
  const pause = (ms: number, wakeable: boolean) =>
    new Promise<void>((resolve) => {
      if (!running || (wakeable && woken)) {
        woken = false
        resolve()
        return
      }
      const done = () => {
        clearTimeout(timer)
        interrupt = null
        if (wakeable) woken = false
        resolve()
      }
      const timer = setTimeout(done, ms)
      // A forgotten indexer never keeps a process alive.
      timer.unref()
      interrupt = wakeable ? done : () => (running ? undefined : done())
    })

  // A deadlock (vocabulary inserts racing another writer) rolls the batch back: run it again.
  const runOnce = () => retryOnDeadlock(() => claimAndApply())

  const claimAndApply = () =>
    db.transaction().execute(async (trx): Promise<BatchResult> => {
      const cursor = await claimIndexCursor(trx, name)
      if (cursor === null) return 'busy'
      // Event ids are gap-free and visible in commit order (appendEvents), so the batch is the
      // next run of the log as it will always be: nothing can still commit below its last id.
      const events = await listEventsAfter(trx, cursor, o.batchSize)
      const last = events.at(-1)
      if (last === undefined) return 'idle'
      claim.applied = true
      await index.apply(await opsForEvents(trx, events), trx)
      await advanceIndexCursor(trx, name, last.id)
      return events.length === o.batchSize ? 'more' : 'idle'
    })

  const backoff = () =>
    Math.min(o.retryMaxMs, o.retryMinMs * 2 ** Math.min(failures - 1, 20)) *
    (0.5 + Math.random() / 2)

  const run = async () => {
    while (running) {
      let result: BatchResult
      try {
        if (!prepared) {
          await index.init()
          await ensureIndexCursor(db, name)
          prepared = true
        }
        claim.applied = false
        result = await runOnce()
        if (failures > 0) log.info({ failures }, 'search indexer: recovered')
        failures = 0
        lastError = null
      } catch (err) {
        failures++
        lastError = err instanceof Error ? err.message : String(err)
        log.warn({ err, failures, index: name }, 'search indexer: batch failed, retrying')
        await pause(backoff(), false)
        continue
      }
      if (result === 'more') continue
      if (appliedSome()) await pause(o.gatherMs, false)
      await pause(result === 'busy' ? Math.min(o.pollMs, BUSY_RECHECK_MS) : o.pollMs, true)
    }
  }

  return {
    start() {
      if (running) return
      running = true
      loop = run()
    },
    async stop() {
      running = false
      interrupt?.()
      await loop
      loop = null
    },
    wake() {
      woken = true
      interrupt?.()
    },
    runOnce,
    status: () => ({ running, failures, lastError }),
    async lag() {
      const [last, cursor] = await Promise.all([lastEventId(db), readIndexCursor(db, name)])
      return Math.max(0, last - (cursor ?? 0))
    },
  }
}
