import { describe, expect, it } from 'vitest'
import { chat, message, user } from '../../test/factories'
import {
  applyMessageToChats,
  flattenPages,
  replaceMessage,
  sortChats,
  upsertChat,
  upsertMessage,
  type MessagePages,
} from './merge'

const ann = user('Ann')
const bob = user('Bob')
const cid = chat('Bob', [ann, bob]).id

const pages = (...itemsPerPage: ReturnType<typeof message>[][]): MessagePages => ({
  pages: itemsPerPage.map((items, i) => ({
    items,
    nextCursor: i < itemsPerPage.length - 1 ? 'c' : null,
  })),
  pageParams: itemsPerPage.map((_, i) => (i === 0 ? null : `p${i}`)),
})

describe('chat list merging', () => {
  const older = chat('Old', [ann, bob], { updatedAt: '2026-01-01T09:00:00.000Z' })
  const newer = chat('New', [ann, bob], { updatedAt: '2026-01-02T09:00:00.000Z' })

  it('puts pinned chats first, each part by latest activity, as chats.list does', () => {
    const pinnedOld = { ...older, id: 'f0000000-0000-7000-8000-000000000000', pinned: true }
    const oldest = chat('Oldest', [ann, bob], {
      updatedAt: '2026-01-01T08:00:00.000Z',
      pinned: true,
    })
    expect(sortChats([newer, oldest, pinnedOld]).map((c) => c.title)).toEqual([
      'Old',
      'Oldest',
      'New',
    ])
    // Unpinned by a live event: back among the others by its activity.
    expect(
      upsertChat([pinnedOld, newer], { ...pinnedOld, pinned: false }).map((c) => c.title),
    ).toEqual(['New', 'Old'])
  })

  it('orders by latest activity, a message counting as activity', () => {
    expect(sortChats([older, newer]).map((c) => c.title)).toEqual(['New', 'Old'])
    const m = message(older.id, bob, 'hi', '2026-01-03T00:00:00.000Z')
    const next = applyMessageToChats([newer, older], m, 'created', {
      myId: ann.id,
      openChatId: null,
    })
    expect(next?.map((c) => c.title)).toEqual(['Old', 'New'])
    expect(next?.[0]?.lastMessage?.text).toBe('hi')
  })

  it('counts others’ messages as unread unless the chat is open; never own ones', () => {
    const fromBob = message(older.id, bob, 'a', '2026-01-03T00:00:00.000Z')
    const fromAnn = message(older.id, ann, 'b', '2026-01-03T00:01:00.000Z')
    const ctx = { myId: ann.id, openChatId: null }
    const afterBob = applyMessageToChats([older], fromBob, 'created', ctx)!
    expect(afterBob[0]?.unreadCount).toBe(1)
    expect(applyMessageToChats(afterBob, fromAnn, 'created', ctx)![0]?.unreadCount).toBe(1)
    const open = applyMessageToChats([older], fromBob, 'created', { ...ctx, openChatId: older.id })
    expect(open![0]?.unreadCount).toBe(0)
  })

  it('shows a system message as the preview but never counts it as unread', () => {
    const added = {
      ...message(older.id, bob, 'x', '2026-01-03T00:00:00.000Z'),
      text: null,
      system: { kind: 'added' as const, title: null, users: [ann], userCount: 1 },
    }
    const next = applyMessageToChats([older], added, 'created', { myId: ann.id, openChatId: null })!
    expect(next[0]).toMatchObject({ unreadCount: 0, lastMessage: { id: added.id } })
  })

  it('does not count a replayed message older than the preview (the server counted it)', () => {
    const newest = message(older.id, bob, 'b', '2026-01-03T00:05:00.000Z')
    const replayed = message(older.id, bob, 'a', '2026-01-03T00:00:00.000Z')
    const list = [{ ...older, lastMessage: newest, unreadCount: 2 }]
    const ctx = { myId: ann.id, openChatId: null }
    const next = applyMessageToChats(list, replayed, 'created', ctx)!
    expect(next[0]).toMatchObject({ unreadCount: 2, lastMessage: { text: 'b' } })
  })

  it('does not count the same message twice (our send and its event)', () => {
    const m = message(older.id, bob, 'a', '2026-01-03T00:00:00.000Z')
    const ctx = { myId: ann.id, openChatId: null }
    const once = applyMessageToChats([older], m, 'created', ctx)!
    expect(applyMessageToChats(once, m, 'created', ctx)![0]?.unreadCount).toBe(1)
  })

  it('an edit of the last message updates the preview; of an older one changes nothing', () => {
    const last = message(older.id, bob, 'typo', '2026-01-03T00:00:00.000Z')
    const list = [{ ...older, lastMessage: last }]
    const edited = { ...last, text: 'fixed', editedAt: '2026-01-03T00:05:00.000Z' }
    const ctx = { myId: ann.id, openChatId: null }
    expect(applyMessageToChats(list, edited, 'updated', ctx)![0]?.lastMessage?.text).toBe('fixed')
    const other = message(older.id, bob, 'x', '2026-01-02T00:00:00.000Z')
    expect(applyMessageToChats(list, other, 'updated', ctx)).toBe(list)
  })

  it('reports an unknown chat so the caller refetches', () => {
    const m = message(cid, bob, 'a', '2026-01-03T00:00:00.000Z')
    expect(
      applyMessageToChats([older], m, 'created', { myId: ann.id, openChatId: null }),
    ).toBeNull()
  })

  it('upsertChat replaces by id and re-sorts', () => {
    const renamed = { ...older, title: 'Renamed', updatedAt: '2026-01-05T00:00:00.000Z' }
    expect(upsertChat([newer, older], renamed).map((c) => c.title)).toEqual(['Renamed', 'New'])
  })
})

describe('history merging', () => {
  const m1 = message(cid, ann, 'one', '2026-01-01T10:00:00.000Z')
  const m2 = message(cid, bob, 'two', '2026-01-01T10:01:00.000Z')
  const m3 = message(cid, ann, 'three', '2026-01-01T10:02:00.000Z')

  it('appends a new message to the newest page and renders oldest first', () => {
    const data = pages([m2], [m1])
    expect(flattenPages(upsertMessage(data, m3)).map((m) => m.text)).toEqual([
      'one',
      'two',
      'three',
    ])
  })

  it('replaces a message known by id or by clientId, never duplicating it', () => {
    const data = pages([m3, m2], [m1])
    const echoed = { ...m3, text: 'three (server copy)' }
    expect(flattenPages(upsertMessage(data, echoed)).map((m) => m.text)).toEqual([
      'one',
      'two',
      'three (server copy)',
    ])
    const sameClient = { ...m3, id: '00000000-0000-7000-8000-999999999999' }
    expect(flattenPages(upsertMessage(data, sameClient))).toHaveLength(3)
  })

  it('places a late event by its time, not at the end', () => {
    const data = pages([m3, m1])
    expect(flattenPages(upsertMessage(data, m2)).map((m) => m.text)).toEqual([
      'one',
      'two',
      'three',
    ])
  })

  it('starts an empty history', () => {
    const data: MessagePages = { pages: [], pageParams: [] }
    const next = upsertMessage(data, m1)
    expect(next.pageParams).toEqual([null])
    expect(flattenPages(next).map((m) => m.text)).toEqual(['one'])
  })

  it('applies edits and deletions to loaded messages only', () => {
    const data = pages([m2], [m1])
    const deleted = { ...m1, text: null, deleted: true }
    expect(flattenPages(replaceMessage(data, deleted))[0]).toMatchObject({
      deleted: true,
      text: null,
    })
    expect(flattenPages(replaceMessage(data, m3))).toHaveLength(2)
  })
})
