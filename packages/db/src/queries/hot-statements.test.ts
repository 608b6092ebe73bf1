import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../client'
import { createTestDb, type TestDb } from '../testing'
import {
  advanceReadMark,
  findChatWithMembers,
  listChatsOfUser,
  listMembers,
  readMarkRefusal,
} from './chats'
import { appendEvents, listEventsSince } from './events'
import { membersUnlessVersion } from './member-versions'
import { deletePin, insertPin, listPins } from './pins'
import { listReactors, reactionKinds, reactionsOfMessages, setReaction } from './reactions'
import { listSeenBy, seenCounts, seenRecipients } from './receipts'
import { countUnreadWithMentions } from './mentions'
import {
  countUnreadMany,
  findMessagesByIds,
  findMessagesByIdsFor,
  lastVisibleMessages,
  listChatMessages,
  sendMessageRow,
} from './messages'

/**
 * Every statement behind chats.list, markRead, messages.list and the send must find its rows by
 * an index. Measured as the InnoDB handler reads of one session around each statement, on tables
 * of thousands of rows: an index lookup reads a handful of rows, a scan reads them all. (A
 * stored procedure cannot be EXPLAINed, but its statements count in its caller's session.)
 */

const CHATS = 5000
const USERS = 300
const VIEWER_CHATS = 30
const PER_CHAT = 20
/** Far above what the seeded lookups touch, far below any table's size. */
const BOUND = 500
/** The message of chat 7 that every user reacted to. */
const CROWDED = 10

const id = (kind: number, n: number) =>
  `0190${kind.toString(16).padStart(4, '0')}-0000-7000-8000-${n.toString(16).padStart(12, '0')}`
const user = (n: number) => id(1, n)
const chat = (n: number) => id(2, n)
const message = (chatN: number, i: number) => id(3, chatN * 1000 + i)
const viewer = user(0)

const inBatches = async <T>(rows: T[], insert: (batch: T[]) => Promise<unknown>) => {
  for (let i = 0; i < rows.length; i += 1000) await insert(rows.slice(i, i + 1000))
}

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
  const db = t.db
  await inBatches(
    Array.from({ length: USERS }, (_, n) => ({
      id: user(n),
      login: `u${n}`,
      email: `u${n}@example.com`,
      first_name: 'U',
      last_name: String(n),
      password_hash: 'x',
      password_salt: 'y',
    })),
    (b) => db.insertInto('users').values(b).execute(),
  )
  // The viewer is in the first chats; everyone else shares the rest in pairs.
  const pair = (n: number) =>
    n < VIEWER_CHATS ? [0, 1 + n] : [1 + (n % (USERS - 1)), 1 + ((n + 1) % (USERS - 1))]
  // The viewer's chats and every tenth other chat have history.
  const withHistory = (n: number) => n < VIEWER_CHATS || n % 10 === 0
  await inBatches(
    Array.from({ length: CHATS }, (_, n) => ({
      id: chat(n),
      is_direct: 1,
      direct_key: `${user(pair(n)[0]!)}:${user(pair(n)[1]!)}:${n}`,
      member_count: 2,
      last_message_id: withHistory(n) ? message(n, PER_CHAT - 1) : null,
      updated_at: new Date(Date.UTC(2026, 0, 1) + n * 1000),
    })),
    (b) => db.insertInto('chats').values(b).execute(),
  )
  await inBatches(
    Array.from({ length: CHATS }, (_, n) =>
      pair(n).map((u) => ({
        chat_id: chat(n),
        user_id: user(u),
        last_read_message_id: u === 0 ? message(n, PER_CHAT - 3) : null,
      })),
    ).flat(),
    (b) => db.insertInto('chat_members').values(b).execute(),
  )
  await inBatches(
    Array.from({ length: CHATS }, (_, n) =>
      withHistory(n)
        ? Array.from({ length: PER_CHAT }, (_, i) => ({
            id: message(n, i),
            chat_id: chat(n),
            sender_id: user(pair(n)[i % 2]!),
            client_id: message(n, i),
            text: `message ${i}`,
          }))
        : [],
    ).flat(),
    (b) => db.insertInto('messages').values(b).execute(),
  )
  await inBatches(
    Array.from({ length: CHATS }, (_, n) => ({
      id: n + 1,
      chat_id: chat(n),
      type: 'message.created',
      message_id: withHistory(n) ? message(n, 0) : null,
    })),
    (b) => db.insertInto('chat_events').values(b).execute(),
  )
  // The viewer is mentioned in, and hid, a few messages of each of their chats.
  await inBatches(
    Array.from({ length: VIEWER_CHATS }, (_, n) =>
      [PER_CHAT - 1, PER_CHAT - 2, 3].map((i) => ({
        user_id: viewer,
        chat_id: chat(n),
        message_id: message(n, i),
      })),
    ).flat(),
    async (b) => {
      await db.insertInto('message_mentions').values(b).execute()
      await db.insertInto('hidden_messages').values(b).execute()
    },
  )
  // Every chat with history has reactions on its last message and a pin: tables of thousands.
  const EMOJI = ['👍', '❤️', '😂']
  const reacted = Array.from({ length: CHATS }, (_, n) => n).filter(withHistory)
  await inBatches(
    reacted.flatMap((n) =>
      EMOJI.flatMap((emoji) =>
        pair(n).map((u) => ({
          message_id: message(n, PER_CHAT - 1),
          emoji,
          user_id: user(u),
          chat_id: chat(n),
          created_at: new Date(Date.UTC(2026, 0, 2) + u * 1000),
        })),
      ),
    ),
    (b) => db.insertInto('message_reactions').values(b).execute(),
  )
  await inBatches(
    reacted.flatMap((n) =>
      EMOJI.map((emoji, k) => ({
        message_id: message(n, PER_CHAT - 1),
        emoji,
        count: 2,
        first_at: new Date(Date.UTC(2026, 0, 2) + k * 1000),
      })),
    ),
    (b) => db.insertInto('message_reaction_counts').values(b).execute(),
  )
  // And one message of the viewer's chat 7 has a reaction from every user: a page holding it
  // must cost its count row, not one read per reaction.
  await inBatches(
    Array.from({ length: USERS }, (_, u) => ({
      message_id: message(7, CROWDED),
      emoji: '👍',
      user_id: user(u),
      chat_id: chat(7),
      created_at: new Date(Date.UTC(2026, 0, 2) + u * 1000),
    })),
    (b) => db.insertInto('message_reactions').values(b).execute(),
  )
  await db
    .insertInto('message_reaction_counts')
    .values({ message_id: message(7, CROWDED), emoji: '👍', count: USERS, first_at: new Date() })
    .execute()
  await inBatches(
    reacted.map((n) => ({
      chat_id: chat(n),
      message_id: message(n, 5),
      pinned_by: user(pair(n)[0]!),
      pinned_at: new Date(Date.UTC(2026, 0, 3) + n * 1000),
    })),
    (b) => db.insertInto('pinned_messages').values(b).execute(),
  )
  // Event ids come from the commit-ordered counter: move it past the seeded ones.
  await db.updateTable('event_seq').set({ n: CHATS }).where('id', '=', 1).execute()
  await sql`ANALYZE TABLE chats, chat_members, messages, chat_events, users, message_mentions,
    hidden_messages, message_reactions, message_reaction_counts, pinned_messages`.execute(db)
}, 120_000)
afterAll(() => t.drop())

const handlerReads = async (conn: Db) => {
  const r = await sql<{ Variable_name: string; Value: string }>`
    SHOW SESSION STATUS LIKE 'Handler_read%'`.execute(conn)
  return r.rows.reduce((sum, row) => sum + Number(row.Value), 0)
}

describe('hot statements use their indexes', () => {
  it('reads a handful of rows for each, on tables of thousands', async () => {
    const reads: Record<string, number> = {}
    await t.db.connection().execute(async (conn) => {
      const measure = async (name: string, run: () => Promise<unknown>) => {
        const before = await handlerReads(conn)
        await run()
        reads[name] = (await handlerReads(conn)) - before
      }
      const viewerChats = Array.from({ length: VIEWER_CHATS }, (_, n) => chat(n))
      const someChat = chat(7)

      // chats.list
      await measure('listChatsOfUser', () => listChatsOfUser(conn, viewer, null, 31))
      await measure('listChatsOfUser, next page', () =>
        listChatsOfUser(
          conn,
          viewer,
          { updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 15)), id: chat(15) },
          31,
        ),
      )
      await measure('listChatsOfUser, with pinned', () =>
        listChatsOfUser(conn, viewer, null, 31, { pinnedMax: 10 }),
      )
      await measure('listMembers', () => listMembers(conn, viewerChats))
      await measure('findMessagesByIds', () =>
        findMessagesByIds(
          conn,
          viewerChats.map((_, n) => message(n, PER_CHAT - 1)),
        ),
      )
      await measure('countUnreadMany', () =>
        countUnreadMany(
          conn,
          viewerChats.map((c, n) => ({ chatId: c, afterId: message(n, PER_CHAT - 3) })),
          viewer,
          1000,
        ),
      )
      // Two branches per chat (messages, mentions): half the chats for the same bound.
      await measure('countUnreadWithMentions, 15 chats', () =>
        countUnreadWithMentions(
          conn,
          viewerChats
            .slice(0, VIEWER_CHATS / 2)
            .map((c, n) => ({ chatId: c, afterId: message(n, PER_CHAT - 3) })),
          viewer,
          1000,
        ),
      )
      await measure('findMessagesByIdsFor', () =>
        findMessagesByIdsFor(
          conn,
          viewerChats.map((_, n) => message(n, PER_CHAT - 1)),
          viewer,
        ),
      )
      await measure('lastVisibleMessages', () => lastVisibleMessages(conn, viewer, viewerChats))
      await measure('listChatMessages, for a viewer', () =>
        listChatMessages(conn, someChat, undefined, 51, viewer),
      )
      // chats.get, messages.list, the send's membership check
      await measure('findChatWithMembers', () => findChatWithMembers(conn, someChat))
      await measure('listChatMessages', () => listChatMessages(conn, someChat, undefined, 51))
      await measure('listChatMessages, older page', () =>
        listChatMessages(conn, someChat, message(7, 10), 51),
      )
      // reactions (#13): a history page's counts, the toggle, who reacted
      const lastOf7 = message(7, PER_CHAT - 1)
      await measure('reactionsOfMessages', () =>
        reactionsOfMessages(
          conn,
          Array.from({ length: PER_CHAT }, (_, i) => message(7, i)),
          viewer,
        ),
      )
      await measure('reactionKinds', () => reactionKinds(conn, lastOf7))
      await measure('setReaction', () =>
        conn.transaction().execute((trx) =>
          setReaction(trx, {
            messageId: lastOf7,
            chatId: someChat,
            userId: viewer,
            emoji: '😮',
            active: true,
            now: new Date(),
          }),
        ),
      )
      await measure('listReactors', () => listReactors(conn, lastOf7, '👍', null, 51))
      // the audience of a reaction, a forward, typing: the member list, or one row while it holds
      const members = await membersUnlessVersion(conn, someChat, null, false)
      await measure('membersUnlessVersion, changed', () =>
        membersUnlessVersion(conn, someChat, null, false),
      )
      await measure('membersUnlessVersion, kept, locked', () =>
        conn
          .transaction()
          .execute((trx) => membersUnlessVersion(trx, someChat, members!.version, true)),
      )
      // receipts (#13): who hears of a read mark, "seen by" counts and list
      await measure('seenRecipients', () => seenRecipients(conn, someChat, viewer, lastOf7))
      await measure('seenCounts', () =>
        seenCounts(
          conn,
          someChat,
          viewer,
          Array.from({ length: PER_CHAT }, (_, i) => message(7, i)),
        ),
      )
      await measure('listSeenBy', () => listSeenBy(conn, someChat, message(7, 3), viewer, null, 51))
      // pinned messages (#13)
      await measure('listPins', () => listPins(conn, someChat, null, 11))
      await measure('insertPin', () =>
        insertPin(conn, { chatId: someChat, messageId: lastOf7, userId: viewer, now: new Date() }),
      )
      await measure('deletePin', () => deletePin(conn, someChat, lastOf7))
      // markRead
      const mark = { chatId: someChat, userId: viewer, messageId: message(7, PER_CHAT - 1) }
      await measure('advanceReadMark', () =>
        advanceReadMark(conn, { ...mark, messageInMysql: true }),
      )
      await measure('readMarkRefusal', () =>
        readMarkRefusal(conn, { ...mark, messageInMysql: true }),
      )
      await measure('appendEvents', () =>
        appendEvents(conn, [{ chatId: someChat, type: 'chat.read', messageId: mark.messageId }]),
      )
      // live events replay
      await measure('listEventsSince', () => listEventsSince(conn, viewer, '4990', 500))
      // the send: CALL send_messages, every statement inside it
      await measure('send_messages', () =>
        sendMessageRow(conn, {
          id: message(7, 500),
          chat_id: someChat,
          sender_id: viewer,
          client_id: message(7, 500),
          text: 'hot path',
          image_ids: null,
          created_at: new Date(),
          edited_at: null,
          deleted: 0,
        }),
      )
      // A send whose caller knows the members: the version's key lookup, no member rows read.
      const first = await sendMessageRow(conn, {
        id: message(7, 502),
        chat_id: someChat,
        sender_id: viewer,
        client_id: message(7, 502),
        text: 'hot path',
        image_ids: null,
        created_at: new Date(),
        edited_at: null,
        deleted: 0,
      })
      if (first.status !== 'sent') throw new Error(`send: ${first.status}`)
      await measure('send_messages, members known', () =>
        sendMessageRow(conn, {
          id: message(7, 503),
          chat_id: someChat,
          sender_id: viewer,
          client_id: message(7, 503),
          text: 'hot path',
          image_ids: null,
          created_at: new Date(),
          edited_at: null,
          deleted: 0,
          knownMembers: first.members,
        }),
      )
      await measure('send_messages, with mentions', () =>
        sendMessageRow(conn, {
          id: message(7, 501),
          chat_id: someChat,
          sender_id: viewer,
          client_id: message(7, 501),
          text: `hot path @u8 @u${USERS - 1} a@u8.com`,
          image_ids: null,
          created_at: new Date(),
          edited_at: null,
          deleted: 0,
        }),
      )
    })
    const scans = Object.entries(reads).filter(([, n]) => n > BOUND)
    // The page of chat 7 holds a message with USERS reactions: its counts are read, not them.
    expect(reads.reactionsOfMessages).toBeLessThan(USERS / 4)
    expect(
      Object.fromEntries(scans),
      `handler reads per statement: ${JSON.stringify(reads)}`,
    ).toEqual({})
    // The measure itself works: a statement that must scan is caught.
    await t.db.connection().execute(async (conn) => {
      const before = await handlerReads(conn)
      await sql`SELECT COUNT(*) FROM chats IGNORE INDEX (PRIMARY, chats_direct_key) WHERE title IS NULL`.execute(
        conn,
      )
      expect((await handlerReads(conn)) - before).toBeGreaterThanOrEqual(CHATS)
    })
  })
})
