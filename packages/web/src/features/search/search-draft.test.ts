import { describe, expect, it } from 'vitest'
import { absorbFilters, draftFromQuery, draftQuery, filterText, removeFilter } from './search-draft'

describe('search draft: chips and typed text in sync', () => {
  it('turns a filter into a chip once it is typed in full, not while it is typed', () => {
    expect(absorbFilters({ filters: {}, text: 'отчёт from:an' })).toEqual({
      filters: {},
      text: 'отчёт from:an',
    })
    expect(absorbFilters({ filters: {}, text: 'отчёт from:ann ' })).toEqual({
      filters: { from: 'ann' },
      text: 'отчёт ',
    })
    expect(absorbFilters({ filters: {}, text: 'from:ann has:image plan' })).toEqual({
      filters: { from: 'ann', hasImage: true },
      text: 'plan',
    })
  })

  it('keeps a quoted chat name whole until its quote closes', () => {
    expect(absorbFilters({ filters: {}, text: 'in:"Team ch' }).filters).toEqual({})
    expect(absorbFilters({ filters: {}, text: 'in:"Team chat"' }).filters).toEqual({})
    expect(absorbFilters({ filters: {}, text: 'in:"Team chat" plan' })).toEqual({
      filters: { in: 'Team chat' },
      text: 'plan',
    })
  })

  it('on Enter takes the last word too; a typed filter replaces a chip of its kind', () => {
    expect(absorbFilters({ filters: { from: 'bob' }, text: 'plan from:ann' }, true)).toEqual({
      filters: { from: 'ann' },
      text: 'plan ',
    })
  })

  it('leaves text without finished filters as it is (no caret jumps)', () => {
    const draft = { filters: {}, text: '  two  spaces has:cake ' }
    expect(absorbFilters(draft)).toBe(draft)
  })

  it('writes chips and words back as one query, and reads it again', () => {
    const draft = { filters: { hasImage: true, from: 'ann', after: '2026-11-01' }, text: ' plan ' }
    const q = draftQuery(draft)
    expect(q).toBe('from:ann has:image after:2026-11-01 plan')
    expect(draftFromQuery(q)).toEqual({ ...draft, text: 'plan' })
    expect(draftQuery({ filters: {}, text: '' })).toBe('')
  })

  it('removes a chip, or puts it back into the input as text', () => {
    expect(removeFilter({ from: 'ann', hasImage: true }, 'from')).toEqual({ hasImage: true })
    expect(filterText({ in: 'Team chat' }, 'in')).toBe('in:"Team chat"')
    expect(filterText({ hasImage: true }, 'hasImage')).toBe('has:image')
  })
})
