import { describe, expect, it } from 'vitest'
import { formatSearchFilters, isDay, parseSearchQuery } from './search-query'

describe('parseSearchQuery', () => {
  it('splits typed filters from the words', () => {
    expect(parseSearchQuery('отчёт from:@ada after:2026-11-01 has:image в срок')).toEqual({
      text: 'отчёт в срок',
      from: 'ada',
      after: '2026-11-01',
      hasImage: true,
    })
    expect(parseSearchQuery('in:"Team chat" BEFORE:2026-12-01 plan')).toEqual({
      text: 'plan',
      in: 'Team chat',
      before: '2026-12-01',
    })
    expect(parseSearchQuery('from:ada')).toEqual({ text: '', from: 'ada' })
  })

  it('leaves half-typed and unknown filters as words', () => {
    expect(parseSearchQuery('from: ada')).toEqual({ text: 'from: ada' })
    expect(parseSearchQuery('has:cake before:soon after:2026-02-30')).toEqual({
      text: 'has:cake before:soon after:2026-02-30',
    })
    expect(parseSearchQuery('email:x@y.z')).toEqual({ text: 'email:x@y.z' })
  })

  it('writes filters back as they are typed', () => {
    expect(formatSearchFilters({ from: 'ada', in: 'Team chat', hasImage: true })).toBe(
      'from:ada in:"Team chat" has:image',
    )
    expect(isDay('2026-02-28')).toBe(true)
    expect(isDay('2026-02-29')).toBe(false)
  })
})
