import { LRUCache } from 'lru-cache'
import { membersUnlessVersion, type Executor, type MemberIds } from '@messenger/db'

/** A chat's member ids as of `version` (chat_member_versions); shared, never to be changed. */
export type MemberList = MemberIds

export interface MemberCache {
  /**
   * The chat's member ids now, or null for a chat that never had one. One round trip that reads
   * a single row while the kept list is current, and the members only when they changed. With
   * `lock` (inside a transaction), no member can be added or removed until it ends, so the list
   * is the audience of an event logged in it.
   */
  read(db: Executor, chatId: string, lock?: boolean): Promise<MemberList | null>
  /** The list kept for the chat, if any, unchecked (a send checks its version in the database). */
  peek(chatId: string): MemberList | undefined
  /** Keeps a list read elsewhere (by a send), unless a newer one is kept already. */
  keep(chatId: string, list: MemberList): void
}

/**
 * Member lists of the chats this instance serves, up to `maxIds` ids in all (least recently used
 * go first). Every instance checks the version in the database on every read, so a change made
 * through another instance is never missed and nothing has to be told to drop anything.
 */
export const createMemberCache = (maxIds: number): MemberCache => {
  const kept = new LRUCache<string, MemberList>({
    maxSize: maxIds,
    sizeCalculation: (m) => m.ids.length + 1,
  })
  const keep = (chatId: string, list: MemberList) => {
    // A reader that started earlier may answer an older version than one kept since.
    const now = kept.peek(chatId)
    if (!now || now.version < list.version) kept.set(chatId, list)
  }
  return {
    async read(db, chatId, lock = false) {
      const cached = kept.get(chatId)
      const r = await membersUnlessVersion(db, chatId, cached?.version ?? null, lock)
      if (!r) return null
      if (r.members === null) return cached!
      const list: MemberList = { version: r.version, ids: r.members }
      keep(chatId, list)
      return list
    },
    peek: (chatId) => kept.get(chatId),
    keep,
  }
}
