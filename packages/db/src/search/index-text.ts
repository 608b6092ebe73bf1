import { terms } from '@messenger/shared'
import { sql } from 'kysely'
import type { Executor } from '../queries/chats'
import { deletionVariants } from './fuzzy'
import { uuidToBin } from './ids'
import { stemOf } from './stem'

export interface IndexedMessage {
  messageId: string
  chatId: string
  /** Null for an image-only or deleted message: nothing to index. */
  text: string | null
  /**
   * Indexed for the first time (its only event is its creation): it has no postings to remove.
   * Postings are only ever written from a message's current text, and any later change to the
   * text logs an event whose application replaces them, so skipping the delete loses nothing.
   */
  isNew?: boolean
}

const read = async (
  db: Executor,
  ids: Map<string, number>,
  list: readonly string[],
  lock: boolean,
) => {
  const { rows } = await sql<{ id: number; term: string }>`
    SELECT id, term FROM search_terms WHERE term IN (${sql.join(list)})${
      lock ? sql` LOCK IN SHARE MODE` : sql``
    }`.execute(db)
  for (const r of rows) ids.set(r.term, r.id)
}

const DEADLOCK_ATTEMPTS = 5

/** MySQL's ER_LOCK_DEADLOCK: the transaction was rolled back and may simply run again. */
export const isDeadlock = (e: unknown) =>
  e instanceof Error && 'errno' in e && (e as { errno: unknown }).errno === 1213

/**
 * Runs a whole transaction again when MySQL picks it as a deadlock victim. Concurrent inserts of
 * overlapping new terms can deadlock despite the sorted order: INSERT IGNORE takes shared next-key
 * locks on the duplicates it skips, which other inserters' insert-intention locks wait for.
 */
export const retryOnDeadlock = async <T>(run: () => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (e) {
      if (!isDeadlock(e) || attempt >= DEADLOCK_ATTEMPTS) throw e
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt))
    }
  }
}

/**
 * Ids of the given terms, adding the missing ones to the vocabulary with their deletion variants.
 * Safe in concurrent transactions: the first read is a plain one (a locking read of absent keys
 * would take gap locks that deadlock two inserters); new terms go in sorted, so inserters queue
 * instead of deadlocking; the re-read locks, so it sees a term another transaction committed after
 * ours began (it then holds record locks only, as the rows exist).
 */
export const ensureTerms = async (db: Executor, wanted: readonly string[]) => {
  const ids = new Map<string, number>()
  if (wanted.length === 0) return ids
  // Outside a transaction, new terms and their variants still go in together, in one of their own;
  // inside one, a deadlock aborts the caller's transaction, which retries it whole (the indexer).
  if (!db.isTransaction) {
    await read(db, ids, wanted, false)
    const missing = wanted.filter((t) => !ids.has(t))
    if (missing.length === 0) return ids
    const added = await retryOnDeadlock(() =>
      db.transaction().execute((trx) => ensureTerms(trx, missing)),
    )
    for (const [term, id] of added) ids.set(term, id)
    return ids
  }
  await read(db, ids, wanted, false)
  const missing = wanted.filter((t) => !ids.has(t)).sort()
  if (missing.length === 0) return ids

  await sql`INSERT IGNORE INTO search_terms (term, stem) VALUES ${sql.join(
    missing.map((t) => sql`(${t}, ${stemOf(t)})`),
  )}`.execute(db)
  await read(db, ids, missing, true)
  const variants = missing.flatMap((t) => {
    const id = ids.get(t)
    return id === undefined ? [] : deletionVariants(t).map((v) => sql`(${v}, ${id})`)
  })
  for (let i = 0; i < variants.length; i += 2000) {
    await sql`INSERT IGNORE INTO search_term_variants (variant, term_id) VALUES ${sql.join(
      variants.slice(i, i + 2000),
    )}`.execute(db)
  }
  return ids
}

/**
 * Adds one message's words to the search index (tests; the search indexer applies whole batches
 * with indexMessages).
 */
export const indexMessageText = async (db: Executor, m: IndexedMessage): Promise<void> => {
  if (m.text === null) return
  const ids = await ensureTerms(db, terms(m.text))
  const chat = hex(m.chatId)
  const message = hex(m.messageId)
  await insertPostings(
    db,
    [...ids.values()].map((id) => [id, chat, message]),
  )
}

/** Replaces a message's postings after an edit; a null text (deleted message) just removes them. */
export const reindexMessageText = async (db: Executor, m: IndexedMessage): Promise<void> => {
  await db.deleteFrom('search_postings').where('message_id', '=', uuidToBin(m.messageId)).execute()
  await indexMessageText(db, m)
}

/**
 * Replaces the postings of a batch of messages: every message's old postings go (new ones have
 * none), and those with text get their words' postings. One vocabulary lookup and one insert for
 * the whole batch.
 */
export const indexMessages = async (db: Executor, batch: readonly IndexedMessage[]) => {
  if (batch.length === 0) return
  const changed = batch.filter((m) => m.isNew !== true)
  if (changed.length > 0) {
    await db
      .deleteFrom('search_postings')
      .where(
        'message_id',
        'in',
        changed.map((m) => uuidToBin(m.messageId)),
      )
      .execute()
  }
  const wordsOf = batch.map((m) => (m.text === null ? [] : terms(m.text)))
  const ids = await ensureTerms(db, [...new Set(wordsOf.flat())].sort())
  const rows: Posting[] = []
  batch.forEach((m, i) => {
    const chat = hex(m.chatId)
    const message = hex(m.messageId)
    for (const t of new Set(wordsOf[i])) {
      const id = ids.get(t)
      if (id !== undefined) rows.push([id, chat, message])
    }
  })
  await insertPostings(db, rows)
}

/** A term id, then a chat's and a message's id as 32 hex digits (UNHEX gives their bytes). */
type Posting = [number, string, string]
const hex = (uuid: string) => uuid.replaceAll('-', '')

/**
 * IGNORE: indexing the same message twice (a retried batch) leaves one posting per term. One JSON
 * parameter per statement rather than three escaped values per posting: in batches of 50
 * nine-word messages, 0.06 ms of this process's CPU per message instead of 0.075.
 */
const insertPostings = async (db: Executor, rows: readonly Posting[]) => {
  for (let i = 0; i < rows.length; i += 5000) {
    await sql`INSERT IGNORE INTO search_postings (term_id, chat_id, message_id)
      SELECT p.t, UNHEX(p.c), UNHEX(p.m) FROM JSON_TABLE(${JSON.stringify(rows.slice(i, i + 5000))},
        '$[*]' COLUMNS (t INT UNSIGNED PATH '$[0]', c CHAR(32) CHARACTER SET ascii PATH '$[1]',
          m CHAR(32) CHARACTER SET ascii PATH '$[2]')) AS p`.execute(db)
  }
}

/** Drops every posting of a chat (a deleted chat). */
export const deleteChatPostings = async (db: Executor, chatId: string) => {
  await db.deleteFrom('search_postings').where('chat_id', '=', uuidToBin(chatId)).execute()
}

/** Postings in one chat, or in all: for reindex progress and tests. */
export const countPostedMessages = async (db: Executor, chatId?: string) => {
  const r = await db
    .selectFrom('search_postings')
    .select((eb) => eb.fn.count<number | string>('message_id').distinct().as('n'))
    .$if(chatId !== undefined, (q) => q.where('chat_id', '=', uuidToBin(chatId!)))
    .executeTakeFirst()
  return Number(r?.n ?? 0)
}

/** Empties the postings (a full reindex); the vocabulary stays, as terms are never renumbered. */
export const clearPostings = async (db: Executor) => {
  await sql`TRUNCATE TABLE search_postings`.execute(db)
}
