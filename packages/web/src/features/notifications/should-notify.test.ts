import type { Image } from '@messenger/shared'
import { describe, expect, it } from 'vitest'
import { translate } from '../../lib/i18n'
import { chat, message, user } from '../../test/factories'
import { mentionsMe, notificationContent, previewText, shouldNotify } from './should-notify'

const ann = user('Ann')
const bob = user('Bob')
const me = { id: ann.id, login: 'ann_k' }
const at = '2026-12-02T10:00:00.000Z'
const en = translate.bind(null, 'en')
const ru = translate.bind(null, 'ru')
const image = { id: 'img' } as Image

describe('mentionsMe', () => {
  it.each([
    ['@ann_k look', true],
    ['look, @Ann_K!', true],
    ['(@ann_k)', true],
    ['thanks @ann_k.', true],
    ['ask @ann_k, then @bob', true],
    ['@ann_k\nnext line', true],
    ['@ann_kx is someone else', false],
    ['@ann_k.lee is someone else', false],
    ['@ann_k-2 is someone else', false],
    ['write to x@ann_k.com', false],
    ['ann_k without the at', false],
    ['@ann is shorter', false],
  ])('%j → %s', (text, expected) => {
    expect(mentionsMe({ text }, me)).toBe(expected)
  })

  it('is false without text (images only)', () => {
    expect(mentionsMe({ text: null }, me)).toBe(false)
  })

  it('a forward mentions nobody, as on the server', () => {
    const forwardedFrom = { messageId: 'm', sender: user('Cy') }
    expect(mentionsMe({ text: '@ann_k look', forwardedFrom }, me)).toBe(false)
  })

  it('finds a later occurrence after one that is part of a longer word', () => {
    expect(mentionsMe({ text: 'x@ann_k and @ann_k' }, me)).toBe(true)
  })
})

describe('shouldNotify', () => {
  const direct = chat('Bob Test', [ann, bob])

  it('notifies of another person’s message', () => {
    expect(shouldNotify(direct, message(direct.id, bob, 'hi', at), me)).toBe(true)
  })

  it('never of one’s own message, sent from another tab or device', () => {
    expect(shouldNotify(direct, message(direct.id, ann, 'hi', at), me)).toBe(false)
  })

  it('never of a deleted message', () => {
    expect(
      shouldNotify(direct, message(direct.id, bob, '', at, { text: null, deleted: true }), me),
    ).toBe(false)
  })

  it('never of a system message ("Bob added you"), which is never unread either', () => {
    const added = message(direct.id, bob, '', at, {
      text: null,
      system: { kind: 'added', title: null, users: [ann], userCount: 1 },
    })
    expect(shouldNotify(direct, added, me)).toBe(false)
  })

  it('stays quiet in a muted chat unless the message mentions me', () => {
    const muted = chat('Team', [ann, bob, user('Cy')], { muted: true })
    expect(shouldNotify(muted, message(muted.id, bob, 'lunch?', at), me)).toBe(false)
    expect(shouldNotify(muted, message(muted.id, bob, '@ann_k lunch?', at), me)).toBe(true)
    expect(shouldNotify(muted, message(muted.id, ann, '@ann_k note to self', at), me)).toBe(false)
  })

  it('notifies in an archived chat that is not muted', () => {
    const archived = chat('Old', [ann, bob], { archived: true })
    expect(shouldNotify(archived, message(archived.id, bob, 'back', at), me)).toBe(true)
  })

  it('notifies for a chat the list does not have yet', () => {
    expect(shouldNotify(undefined, message('new-chat', bob, 'hello', at), me)).toBe(true)
  })
})

describe('notificationContent', () => {
  it('titles a personal chat with the sender and shows the text', () => {
    const direct = chat('Bob Test', [ann, bob])
    expect(notificationContent(direct, message(direct.id, bob, 'See you', at), en)).toEqual({
      title: 'Bob Test',
      body: 'See you',
      tag: `chat:${direct.id}`,
    })
  })

  it('titles a group with its title and puts the sender before the text', () => {
    const group = chat('Project', [ann, bob, user('Cy')])
    expect(notificationContent(group, message(group.id, bob, 'Done', at), en)).toMatchObject({
      title: 'Project',
      body: 'Bob Test: Done',
    })
  })

  it('never cuts an emoji in half', () => {
    const preview = previewText({ text: `${'a'.repeat(98)}👍🏽👍🏽👍🏽`, images: [] }, en)
    expect(preview).toBe(`${'a'.repeat(98)}👍🏽…`)
  })

  it('says Photo (Фото) for images without text', () => {
    const m = message('c', bob, '', at, { text: null, images: [image] })
    expect(previewText(m, en)).toBe('Photo')
    expect(previewText(m, ru)).toBe('Фото')
    expect(previewText({ ...m, text: 'Look' }, en)).toBe('Look')
  })

  it('keeps the preview short and on one line', () => {
    const long = `${'word '.repeat(40)}\nend`
    const preview = previewText({ text: long, images: [] }, en)
    expect(Array.from(new Intl.Segmenter().segment(preview))).toHaveLength(100)
    expect(preview.endsWith('…')).toBe(true)
    expect(preview).not.toContain('\n')
    expect(previewText({ text: '  two\n\nlines ', images: [] }, en)).toBe('two lines')
  })
})
