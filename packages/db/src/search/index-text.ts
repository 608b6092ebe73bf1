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
  // Outside a transaction, new terms and their variants still go in together, in one of their own.
  if (!db.isTransaction) {
    await read(db, ids, wanted, false)
    const missing = wanted.filter((t) => !ids.has(t))
    if (missing.length === 0) return ids
    const added = await db.transaction().execute((trx) => ensureTerms(trx, missing))
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
 * Adds a message's words to the search index. Call it in the transaction that stores the message,
 * so a message is never stored without its postings.
 */
export const indexMessageText = async (db: Executor, m: IndexedMessage): Promise<void> => {
  if (m.text === null) return
  const ids = await ensureTerms(db, terms(m.text))
  if (ids.size === 0) return
  const chat = uuidToBin(m.chatId)
  const message = uuidToBin(m.messageId)
  // IGNORE: indexing the same message twice (a retried call) leaves one posting per term.
  await sql`INSERT IGNORE INTO search_postings (term_id, chat_id, message_id) VALUES ${sql.join(
    [...ids.values()].map((id) => sql`(${id}, ${chat}, ${message})`),
  )}`.execute(db)
}

/** Replaces a message's postings after an edit; a null text (deleted message) just removes them. */
export const reindexMessageText = async (db: Executor, m: IndexedMessage): Promise<void> => {
  await db.deleteFrom('search_postings').where('message_id', '=', uuidToBin(m.messageId)).execute()
  await indexMessageText(db, m)
}
