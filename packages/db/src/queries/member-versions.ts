import { sql } from 'kysely'
import type { Executor } from './chats'

/**
 * A chat's member version, and its member ids unless `known` is that version already: one round
 * trip either way, consistent within its one statement. Null for a chat that never had a member.
 * With `lock`, the version row (and, when read, the member rows) are share-locked until the
 * transaction ends: no member can be added or removed before it commits, since the triggers that
 * move the version need that row exclusively.
 */
export const membersUnlessVersion = async (
  db: Executor,
  chatId: string,
  known: number | null,
  lock: boolean,
): Promise<{ version: number; members: string[] | null } | null> => {
  const rows = (
    await sql<{ version: number | string; user_id: string | null }>`
      SELECT v.version, m.user_id FROM chat_member_versions v
        LEFT JOIN chat_members m ON m.chat_id = v.chat_id AND v.version <> ${known ?? -1}
       WHERE v.chat_id = ${chatId}${lock ? sql` LOCK IN SHARE MODE` : sql``}`.execute(db)
  ).rows
  const first = rows[0]
  if (!first) return null
  const version = Number(first.version)
  if (version === known) return { version, members: null }
  return { version, members: rows.flatMap((r) => (r.user_id === null ? [] : [r.user_id])) }
}
