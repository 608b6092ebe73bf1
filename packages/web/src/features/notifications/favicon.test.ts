import { describe, expect, it } from 'vitest'
import { badgeText } from './favicon'

describe('badgeText', () => {
  it.each([
    [0, ''],
    [-1, ''],
    [1, '1'],
    [9, '9'],
    [42, '42'],
    [99, '99'],
    [100, '99+'],
    [12_345, '99+'],
  ])('%i unread → %j', (count, text) => {
    expect(badgeText(count)).toBe(text)
  })
})
