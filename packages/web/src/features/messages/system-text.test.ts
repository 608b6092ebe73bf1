import { describe, expect, it } from 'vitest'
import { translate, type Lang, type MessageKey } from '../../lib/i18n'
import { message, user } from '../../test/factories'
import { systemText } from './system-text'

const ann = user('Ann')
const bob = user('Bob')
const many = Array.from({ length: 10 }, (_, i) => user(`P${i}`))

const said = (kind: 'created' | 'added' | 'removed' | 'renamed' | 'left', o = {}) => ({
  ...message('c', ann, 'x', '2026-01-03T00:00:00.000Z'),
  text: null,
  system: { kind, title: null, users: [], userCount: 0, ...o },
})
const text = (lang: Lang, m: ReturnType<typeof said>, myId: string) =>
  systemText((key: MessageKey, vars) => translate(lang, key, vars), lang, m, myId)

describe('system messages in the reader’s language', () => {
  it('names who did what, "you" for the reader, in English and Russian', () => {
    expect(text('en', said('created', { title: 'Birds' }), bob.id)).toBe(
      'Ann Test created the group “Birds”',
    )
    expect(text('en', said('created', { title: 'Birds' }), ann.id)).toBe(
      'You created the group “Birds”',
    )
    expect(text('ru', said('renamed', { title: 'Птицы' }), bob.id)).toBe(
      'Ann Test переименовал(а) группу в «Птицы»',
    )
    expect(text('en', said('added', { users: [bob], userCount: 1 }), bob.id)).toBe(
      'Ann Test added you',
    )
    expect(text('ru', said('added', { users: [bob], userCount: 1 }), bob.id)).toBe(
      'Ann Test добавил(а) вас',
    )
    expect(text('en', said('left'), ann.id)).toBe('You left the group')
    expect(text('ru', said('removed', { users: [bob], userCount: 1 }), ann.id)).toBe(
      'Вы удалили из группы Bob Test',
    )
  })

  it('lists at most the names it has and counts the rest, with Russian plurals', () => {
    const m = said('added', { users: many, userCount: 15 })
    expect(text('en', m, bob.id)).toMatch(/P8 Test, P9 Test, and 5 others$/)
    expect(text('ru', m, bob.id)).toMatch(/P9 Test и ещё 5 человек$/)
    expect(text('ru', said('added', { users: many, userCount: 12 }), bob.id)).toMatch(
      /и ещё 2 человек$/,
    )
    expect(text('ru', said('added', { users: many, userCount: 11 }), bob.id)).toMatch(
      /и ещё 1 человека$/,
    )
  })
})
