import type { Chat } from '@messenger/shared'
import { InfiniteQueryObserver, QueryClient, QueryObserver } from '@tanstack/react-query'
import { describe, expect, it } from 'vitest'
import { keys } from '../../lib/query-keys'
import { chat, message, user } from '../../test/factories'
import { applyEvent } from './apply'
import { flattenPages, type MessagePages } from './merge'

const ann = user('Ann')
const bob = user('Bob')

const setup = () => {
  const qc = new QueryClient()
  const c = chat('Bob', [ann, bob])
  qc.setQueryData<Chat[]>(keys.chats, [c])
  qc.setQueryData<MessagePages>(keys.messages(c.id), {
    pages: [{ items: [], nextCursor: null }],
    pageParams: [null],
  })
  return { qc, c, ctx: { myId: ann.id, openChatId: null } }
}

describe('applyEvent', () => {
  it('a created message lands in the history and the chat list', () => {
    const { qc, c, ctx } = setup()
    const m = message(c.id, bob, 'hi', '2026-01-02T00:00:00.000Z')
    applyEvent(qc, { type: 'message.created', message: m }, ctx)
    expect(flattenPages(qc.getQueryData(keys.messages(c.id))).map((x) => x.text)).toEqual(['hi'])
    expect(qc.getQueryData<Chat[]>(keys.chats)?.[0]).toMatchObject({
      unreadCount: 1,
      lastMessage: { text: 'hi' },
    })
  })

  it('a list read before a new chat was made, answered after its event, keeps the chat', async () => {
    const qc = new QueryClient()
    const old = chat('Old', [ann, bob])
    const fresh = chat('New', [ann, bob])
    // The server read the list before the chat existed; its answer comes after the event.
    const answers: { resolve: (chats: Chat[]) => void }[] = []
    let reads = 0
    const read = () =>
      new Promise<Chat[]>((resolve) => {
        reads++
        answers.push({ resolve })
      })
    // The list on screen: an observer, as the chat list component holds.
    const observer = new QueryObserver(qc, { queryKey: keys.chats, queryFn: read })
    const stop = observer.subscribe(() => undefined)
    await expect.poll(() => answers.length).toBe(1)
    // The stream brings the chat while that read is on its way back.
    applyEvent(qc, { type: 'chat.updated', chat: fresh }, { myId: ann.id, openChatId: null })
    answers[0]!.resolve([old])
    await expect
      .poll(() => qc.getQueryData<Chat[]>(keys.chats)?.map((c) => c.id))
      .toEqual([fresh.id, old.id])
    // Merged into the answer, not read again.
    expect(reads).toBe(1)
    stop()
  })

  it('a history page read before a message was sent, answered after its event, keeps it', async () => {
    const qc = new QueryClient()
    const c = chat('Bob', [ann, bob])
    const before = message(c.id, bob, 'before', '2026-01-02T00:00:00.000Z')
    const sent = message(c.id, bob, 'sent meanwhile', '2026-01-02T00:00:01.000Z')
    let answer: (page: MessagePages['pages'][number]) => void = () => undefined
    const observer = new InfiniteQueryObserver(qc, {
      queryKey: keys.messages(c.id),
      queryFn: () => new Promise<MessagePages['pages'][number]>((resolve) => (answer = resolve)),
      initialPageParam: null as string | null,
      getNextPageParam: () => null,
    })
    const stop = observer.subscribe(() => undefined)
    await expect.poll(() => qc.isFetching({ queryKey: keys.messages(c.id) })).toBe(1)
    applyEvent(qc, { type: 'message.created', message: sent }, { myId: ann.id, openChatId: c.id })
    answer({ items: [before], nextCursor: null })
    await expect
      .poll(() => flattenPages(qc.getQueryData(keys.messages(c.id))).map((m) => m.text))
      .toEqual(['before', 'sent meanwhile'])
    stop()
  })

  it('a deletion blanks the message in place', () => {
    const { qc, c, ctx } = setup()
    const m = message(c.id, bob, 'oops', '2026-01-02T00:00:00.000Z')
    applyEvent(qc, { type: 'message.created', message: m }, ctx)
    applyEvent(qc, { type: 'message.deleted', message: { ...m, text: null, deleted: true } }, ctx)
    expect(flattenPages(qc.getQueryData(keys.messages(c.id)))[0]).toMatchObject({
      deleted: true,
      text: null,
    })
  })

  it('chat.updated replaces the chat; chat.removed drops it and its history', () => {
    const { qc, c, ctx } = setup()
    applyEvent(qc, { type: 'chat.updated', chat: { ...c, title: 'Renamed', unreadCount: 3 } }, ctx)
    expect(qc.getQueryData<Chat[]>(keys.chats)?.[0]).toMatchObject({
      title: 'Renamed',
      unreadCount: 3,
    })
    applyEvent(qc, { type: 'chat.removed', chatId: c.id }, ctx)
    expect(qc.getQueryData<Chat[]>(keys.chats)).toEqual([])
    expect(qc.getQueryData(keys.messages(c.id))).toBeUndefined()
  })

  it('a message in a chat not in the list marks the list stale, so it is refetched', () => {
    const { qc, ctx } = setup()
    const unknown = chat('New', [ann, bob])
    const m = message(unknown.id, bob, 'x', '2026-01-02T00:00:00.000Z')
    applyEvent(qc, { type: 'message.created', message: m }, ctx)
    expect(qc.getQueryState(keys.chats)?.isInvalidated).toBe(true)
  })

  it('chat.read from another tab clears the badge, or refetches when newer messages came since', () => {
    const { qc, c, ctx } = setup()
    const id = (n: number) => `01900000-0000-7000-8000-00000000000${n}`
    const m1 = message(c.id, bob, 'one', '2026-01-02T00:00:00.000Z', { id: id(1) })
    const m2 = message(c.id, bob, 'two', '2026-01-02T00:01:00.000Z', { id: id(2) })
    applyEvent(qc, { type: 'message.created', message: m1 }, ctx)
    applyEvent(qc, { type: 'message.created', message: m2 }, ctx)
    expect(qc.getQueryData<Chat[]>(keys.chats)?.[0]?.unreadCount).toBe(2)
    applyEvent(qc, { type: 'chat.read', chatId: c.id, lastReadMessageId: m2.id }, ctx)
    expect(qc.getQueryData<Chat[]>(keys.chats)?.[0]?.unreadCount).toBe(0)
    expect(qc.getQueryState(keys.chats)?.isInvalidated).toBe(false)
    // Another tab read only the first; the second came since: the count is asked again.
    const m3 = message(c.id, bob, 'three', '2026-01-02T00:02:00.000Z', { id: id(3) })
    applyEvent(qc, { type: 'message.created', message: m3 }, ctx)
    applyEvent(qc, { type: 'chat.read', chatId: c.id, lastReadMessageId: m2.id }, ctx)
    expect(qc.getQueryState(keys.chats)?.isInvalidated).toBe(true)
    expect(qc.getQueryData<Chat[]>(keys.chats)?.[0]?.unreadCount).toBe(1)
  })
})
