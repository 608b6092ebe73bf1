import { describe, expect, it } from 'vitest'
import { createKeyedListeners } from './listeners'

describe('createKeyedListeners', () => {
  it('calls each listener of a key once, whether it holds one or many, and forgets removed ones', () => {
    const ls = createKeyedListeners<(n: number) => void>()
    const seen: string[] = []
    const a = ls.add('u1', (n) => seen.push(`a${n}`))
    const b = ls.add('u1', (n) => seen.push(`b${n}`))
    const c = ls.add('u2', (n) => seen.push(`c${n}`))
    ls.each('u1', (l) => l(1))
    ls.each('u2', (l) => l(2))
    ls.each('nobody', (l) => l(3))
    expect(seen).toEqual(['a1', 'b1', 'c2'])
    a()
    a()
    ls.each('u1', (l) => l(4))
    expect(seen.at(-1)).toBe('b4')
    b()
    c()
    expect([...ls.keys()]).toEqual([])
  })

  it('lets a listener remove itself while its key is being called', () => {
    const ls = createKeyedListeners<() => void>()
    const calls: string[] = []
    const offA = ls.add('k', () => {
      calls.push('a')
      offA()
    })
    ls.add('k', () => calls.push('b'))
    ls.each('k', (l) => l())
    ls.each('k', (l) => l())
    expect(calls).toEqual(['a', 'b', 'b'])
  })

  it('take removes and returns every listener of a key', () => {
    const ls = createKeyedListeners<string>()
    ls.add('s', 'one')
    expect(ls.take('s')).toEqual(['one'])
    ls.add('s', 'x')
    ls.add('s', 'y')
    expect(ls.take('s')).toEqual(['x', 'y'])
    expect(ls.take('s')).toEqual([])
    expect([...ls.keys()]).toEqual([])
  })
})
