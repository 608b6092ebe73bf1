import { describe, expect, it } from 'vitest'
import { layoutReading } from './layout-reading'

describe('layoutReading', () => {
  it('names the other layout’s reading when the results matched it, both ways', () => {
    expect(layoutReading('ghbdtn j,tl', ['Привет', 'обед'])).toBe('привет обед')
    expect(layoutReading('руддщ', ['Hello'])).toBe('hello')
  })

  it('says nothing when the words matched as typed, or nothing matched', () => {
    expect(layoutReading('привет', ['Привет'])).toBeNull()
    expect(layoutReading('matrx', ['matrix'])).toBeNull()
    expect(layoutReading('ghbdtn', [])).toBeNull()
    expect(layoutReading('2026', ['2026'])).toBeNull()
  })
})
