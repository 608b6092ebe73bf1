import { describe, expect, it } from 'vitest'
import { formatDateTime, formatDay, formatShort, formatTime } from './format'

describe('date formatting with shared formatters', () => {
  const iso = '2026-03-05T14:07:00'
  it('reads as toLocale*String did, in both languages', () => {
    expect(formatTime(iso, 'en')).toBe(
      new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' }),
    )
    expect(formatTime(iso, 'ru')).toBe('14:07')
    expect(formatDateTime(iso, 'ru')).toBe(
      new Date(iso).toLocaleString('ru-RU', { dateStyle: 'medium', timeStyle: 'short' }),
    )
  })

  it('names today and yesterday, adds the year only for another year', () => {
    const now = new Date('2026-03-06T09:00:00')
    expect(formatDay('2026-03-06T01:00:00', 'en', now)).toBe('Today')
    expect(formatDay(iso, 'en', now)).toBe('Yesterday')
    expect(formatDay('2026-01-20T10:00:00', 'en', now)).toBe('20 January')
    expect(formatDay('2025-01-20T10:00:00', 'ru', now)).toBe('20 января 2025 г.')
    expect(formatShort('2026-01-20T10:00:00', 'en', now)).toBe('20 Jan')
  })
})
