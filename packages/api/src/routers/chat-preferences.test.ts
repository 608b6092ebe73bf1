import { randomUUID } from 'node:crypto'
import { MAX_PINNED_CHATS } from '@messenger/shared'
import { describe, expect, it } from 'vitest'
import { errorCode, type TestApp } from '../testing'
import { signUps } from '../testing-load'
import { collectEvents, say, serveTestApp } from '../testing-sse'

const served = serveTestApp()

type U = Awaited<ReturnType<TestApp['signUp']>>
const titles = async (who: U, input: { archived?: boolean; limit?: number } = {}) =>
  (await who.caller.chats.list({ limit: 30, ...input })).items.map((c) => c.title)

describe('chats.setPreferences', () => {
  it('mutes, archives and pins for the caller alone, and says so in every list and event', async () => {
    const [ann, bob, cid] = await signUps(served.t, 3)
    const a = await ann!.caller.chats.createGroup({ title: 'A', memberIds: [bob!.user.id] })
    const b = await ann!.caller.chats.createGroup({ title: 'B', memberIds: [bob!.user.id] })
    const c = await ann!.caller.chats.createGroup({ title: 'C', memberIds: [cid!.user.id] })
    await say(ann!, a.id, 'oldest activity')
    await say(ann!, b.id, 'middle')
    await say(ann!, c.id, 'newest')
    expect(await titles(ann!)).toEqual(['C', 'B', 'A'])

    const own = collectEvents(served.url, ann!.accessToken)
    const other = collectEvents(served.url, bob!.accessToken)
    await Promise.all([own.ready, other.ready])

    const muted = await ann!.caller.chats.setPreferences({ chatId: b.id, muted: true })
    expect(muted).toMatchObject({ muted: true, archived: false, pinned: false })
    // Pinned chats lead the first page, latest activity first among them too.
    await ann!.caller.chats.setPreferences({ chatId: a.id, pinned: true })
    await ann!.caller.chats.setPreferences({ chatId: b.id, pinned: true })
    expect(await titles(ann!)).toEqual(['B', 'A', 'C'])
    // Archiving unpins and moves the chat to the archive.
    const archived = await ann!.caller.chats.setPreferences({ chatId: a.id, archived: true })
    expect(archived).toMatchObject({ archived: true, pinned: false })
    expect(await titles(ann!)).toEqual(['B', 'C'])
    expect(await titles(ann!, { archived: true })).toEqual(['A'])
    // Pinning takes it out of the archive.
    await ann!.caller.chats.setPreferences({ chatId: a.id, pinned: true })
    expect(await titles(ann!)).toEqual(['B', 'A', 'C'])
    expect(await titles(ann!, { archived: true })).toEqual([])

    // Bob sees none of Ann's choices, in his list or on his stream.
    expect((await bob!.caller.chats.list({ limit: 30 })).items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ title: 'A', muted: false, archived: false, pinned: false }),
        expect.objectContaining({ title: 'B', muted: false, archived: false, pinned: false }),
      ]),
    )
    const events = await own.next(5)
    expect(events.map((e) => e.event.type)).toEqual(Array(5).fill('chat.updated'))
    expect(events.at(-1)?.event).toMatchObject({ chat: { id: a.id, pinned: true } })
    await say(cid!, c.id, 'so Bob’s stream has something after')
    await new Promise((r) => setTimeout(r, 300))
    expect(other.received).toEqual([])
    own.close()
    other.close()
  })

  it('pages the others with the cursor and shows pinned chats only on the first page', async () => {
    const [ann, bob] = await signUps(served.t, 2)
    const made: string[] = []
    for (let i = 0; i < 5; i++) {
      const g = await ann!.caller.chats.createGroup({ title: `G${i}`, memberIds: [bob!.user.id] })
      made.push(g.id)
    }
    await ann!.caller.chats.setPreferences({ chatId: made[0]!, pinned: true })
    const first = await ann!.caller.chats.list({ limit: 2 })
    expect(first.items.map((c) => c.title)).toEqual(['G0', 'G4', 'G3'])
    const second = await ann!.caller.chats.list({ limit: 2, cursor: first.nextCursor! })
    expect(second.items.map((c) => c.title)).toEqual(['G2', 'G1'])
    expect(second.nextCursor).toBeNull()
  })

  it(`keeps at most ${MAX_PINNED_CHATS} pinned, even when many pins race`, async () => {
    const [ann, bob] = await signUps(served.t, 2)
    const ids: string[] = []
    for (let i = 0; i < MAX_PINNED_CHATS + 3; i++) {
      ids.push(
        (await ann!.caller.chats.createGroup({ title: `P${i}`, memberIds: [bob!.user.id] })).id,
      )
    }
    const results = await Promise.allSettled(
      ids.map((chatId) => ann!.caller.chats.setPreferences({ chatId, pinned: true })),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(MAX_PINNED_CHATS)
    const pinned = (await ann!.caller.chats.list({ limit: 1 })).items.filter((c) => c.pinned)
    expect(pinned).toHaveLength(MAX_PINNED_CHATS)
    const unpinned = ids.find((id) => !pinned.some((c) => c.id === id))!
    expect(
      await errorCode(ann!.caller.chats.setPreferences({ chatId: unpinned, pinned: true })),
    ).toBe('BAD_REQUEST')
    // Pinning a pinned chat again is no new pin.
    await ann!.caller.chats.setPreferences({ chatId: pinned[0]!.id, pinned: true })
  })

  it('refuses strangers, unknown chats and empty or contradictory changes', async () => {
    const [ann, bob, eve] = await signUps(served.t, 3)
    const chat = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    expect(
      await errorCode(eve!.caller.chats.setPreferences({ chatId: chat.id, muted: true })),
    ).toBe('FORBIDDEN')
    expect(
      await errorCode(ann!.caller.chats.setPreferences({ chatId: randomUUID(), muted: true })),
    ).toBe('NOT_FOUND')
    expect(await errorCode(ann!.caller.chats.setPreferences({ chatId: chat.id }))).toBe(
      'BAD_REQUEST',
    )
    expect(
      await errorCode(
        ann!.caller.chats.setPreferences({ chatId: chat.id, archived: true, pinned: true }),
      ),
    ).toBe('BAD_REQUEST')
    // A personal chat can be muted like any other, by either person.
    expect(await bob!.caller.chats.setPreferences({ chatId: chat.id, muted: true })).toMatchObject({
      muted: true,
    })
  })
})
