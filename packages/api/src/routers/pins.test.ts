import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { errorCode, type TestApp } from '../testing'
import { signUps } from '../testing-load'
import { collectEvents, say, serveTestApp } from '../testing-sse'

const served = serveTestApp()

type U = Awaited<ReturnType<TestApp['signUp']>>
const pinnedTexts = async (who: U, chatId: string) =>
  (await who.caller.messages.pinned({ chatId })).items.map((p) => p.message.text)

describe('pinned messages', () => {
  it('the owner pins for everyone, live and on replay; a repeat says nothing', async () => {
    const [ann, bob, cid] = await signUps(served.t, 3)
    const group = await ann!.caller.chats.createGroup({
      title: 'Team',
      memberIds: [bob!.user.id, cid!.user.id],
    })
    const rules = await say(bob!, group.id, 'House rules: be kind')
    const head = await bob!.caller.messages.head()
    const live = collectEvents(served.url, bob!.accessToken)
    await live.ready

    await ann!.caller.messages.pin({ messageId: rules.id })
    await ann!.caller.messages.pin({ messageId: rules.id })
    const [pinned] = await live.next(1)
    expect(pinned?.event).toEqual({ type: 'message.pinned', message: rules })
    const page = await cid!.caller.messages.pinned({ chatId: group.id })
    expect(page.items.map(({ pinnedAt: _, ...p }) => p)).toEqual([
      { message: rules, pinnedBy: ann!.user.id },
    ])
    expect(Date.parse(page.items[0]!.pinnedAt)).toBeGreaterThan(0)

    await ann!.caller.messages.unpin({ messageId: rules.id })
    const unpinned = (await live.next(2))[1]
    expect(unpinned?.event).toEqual({ type: 'message.unpinned', message: rules })
    expect(await pinnedTexts(bob!, group.id)).toEqual([])
    // Nothing else arrived: the repeated pin was no event.
    await new Promise((r) => setTimeout(r, 200))
    expect(live.received).toHaveLength(2)
    live.close()

    // A stream resuming from before both gets both, in order.
    const replay = collectEvents(served.url, bob!.accessToken, {
      lastEventId: head.lastEventId ?? '0',
    })
    const replayed = await replay.next(2)
    expect(replayed.map((r) => r.event.type)).toEqual(['message.pinned', 'message.unpinned'])
    replay.close()
  })

  it('in a personal chat either person pins; in a group only the owner; outsiders see nothing', async () => {
    const [ann, bob, eve] = await signUps(served.t, 3)
    const direct = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const hello = await say(ann!, direct.id, 'Address: 5 Main St')
    await bob!.caller.messages.pin({ messageId: hello.id })
    expect(await pinnedTexts(ann!, direct.id)).toEqual(['Address: 5 Main St'])

    const group = await ann!.caller.chats.createGroup({ title: 'G', memberIds: [bob!.user.id] })
    const note = await say(bob!, group.id, 'note')
    expect(await errorCode(bob!.caller.messages.pin({ messageId: note.id }))).toBe('FORBIDDEN')
    expect(await errorCode(bob!.caller.messages.unpin({ messageId: note.id }))).toBe('FORBIDDEN')
    expect(await errorCode(eve!.caller.messages.pin({ messageId: note.id }))).toBe('NOT_FOUND')
    expect(await errorCode(eve!.caller.messages.pinned({ chatId: group.id }))).toBe('FORBIDDEN')
    expect(await errorCode(ann!.caller.messages.pin({ messageId: randomUUID() }))).toBe('NOT_FOUND')
    expect(
      await errorCode(ann!.caller.messages.pinned({ chatId: group.id, cursor: 'not-a-cursor' })),
    ).toBe('BAD_REQUEST')
  })

  it('pages the latest pinned first, and drops a message once it is deleted', async () => {
    const [ann, bob] = await signUps(served.t, 2)
    const group = await ann!.caller.chats.createGroup({ title: 'G', memberIds: [bob!.user.id] })
    const sent = []
    for (let i = 0; i < 5; i++) sent.push(await say(ann!, group.id, `m${i}`))
    for (const m of sent) await ann!.caller.messages.pin({ messageId: m.id })
    const seen: (string | null)[] = []
    let cursor: string | undefined
    do {
      const page = await bob!.caller.messages.pinned({
        chatId: group.id,
        limit: 2,
        ...(cursor && { cursor }),
      })
      seen.push(...page.items.map((p) => p.message.text))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(seen).toEqual(['m4', 'm3', 'm2', 'm1', 'm0'])

    await ann!.caller.messages.delete({ messageId: sent[2]!.id })
    expect(await pinnedTexts(bob!, group.id)).toEqual(['m4', 'm3', 'm1', 'm0'])
    expect(await errorCode(ann!.caller.messages.pin({ messageId: sent[2]!.id }))).toBe('NOT_FOUND')
  })
})
