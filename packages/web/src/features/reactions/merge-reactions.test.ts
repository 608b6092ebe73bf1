import { describe, expect, it } from 'vitest'
import { message, user } from '../../test/factories'
import { replaceMessage, type MessagePages } from '../events/merge'
import { applyReaction, optimisticReaction, type ReactionEvent } from './merge-reactions'

const ann = user('Ann')
const bob = user('Bob')
const chatId = '00000000-0000-7000-8000-00000000c0de'
const pages = (m = message(chatId, ann, 'hi', '2026-12-01T10:00:00.000Z', { reactions: [] })) =>
  ({ pages: [{ items: [m], nextCursor: null }], pageParams: [null] }) satisfies MessagePages
const event = (messageId: string, over: Partial<ReactionEvent>): ReactionEvent => ({
  type: 'message.reaction',
  chatId,
  messageId,
  emoji: '👍',
  userId: bob.id,
  active: true,
  count: 1,
  ...over,
})

describe('reactions in the history cache', () => {
  it('takes the count from each event, marks mine, drops an emoji at zero', () => {
    let data: MessagePages = pages()
    const id = data.pages[0]!.items[0]!.id
    const ev = (over: Partial<ReactionEvent>) => event(id, over)
    data = applyReaction(data, ev({}), ann.id)
    expect(data.pages[0]!.items[0]!.reactions).toEqual([{ emoji: '👍', count: 1, mine: false }])
    data = applyReaction(data, ev({ userId: ann.id, count: 2 }), ann.id)
    expect(data.pages[0]!.items[0]!.reactions).toEqual([{ emoji: '👍', count: 2, mine: true }])
    // A replayed event the page already had: the count stays the server's.
    data = applyReaction(data, ev({ userId: ann.id, count: 2 }), ann.id)
    expect(data.pages[0]!.items[0]!.reactions).toEqual([{ emoji: '👍', count: 2, mine: true }])
    data = applyReaction(data, ev({ userId: ann.id, active: false, count: 1 }), ann.id)
    data = applyReaction(data, ev({ active: false, count: 0 }), ann.id)
    expect(data.pages[0]!.items[0]!.reactions).toEqual([])
  })

  it('keeps reactions when an edit replaces the message, and counts an optimistic click once', () => {
    const m = message(chatId, ann, 'hi', '2026-12-01T10:00:00.000Z', {
      reactions: [{ emoji: '❤️', count: 3, mine: true }],
    })
    const edited = replaceMessage(pages(m), { ...m, text: 'edited', reactions: undefined })
    expect(edited.pages[0]!.items[0]!.reactions).toEqual([{ emoji: '❤️', count: 3, mine: true }])
    expect(optimisticReaction(m, '❤️', true, ann.id).count).toBe(3)
    expect(optimisticReaction(m, '❤️', false, ann.id).count).toBe(2)
    expect(optimisticReaction(m, '👍', true, ann.id).count).toBe(1)
  })
})
