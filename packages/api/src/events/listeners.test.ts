import { describe, expect, it } from 'vitest'
import { createKeyedListeners } from './listeners'

describe('createKeyedListeners', () => {
  it('calls each listener of a key once, whether it holds one or many, and forgets removed ones', () => {
    const ls = createKeyedListeners<(n: number) => void>()
    const seen: string[] = []
    const a = (n: number) => seen.push(`a${n}`)
    const b = (n: number) => seen.push(`b${n}`)
    const c = (n: number) => seen.push(`c${n}`)
    ls.add('u1', a)
    ls.add('u1', b)
    ls.add('u2', c)
    ls.each('u1', (l) => l(1))
    ls.each('u2', (l) => l(2))
    ls.each('nobody', (l) => l(3))
    expect(seen).toEqual(['a1', 'b1', 'c2'])
    ls.remove('u1', a)
    ls.remove('u1', a)
    ls.remove('u2', a)
    ls.each('u1', (l) => l(4))
    ls.each('u2', (l) => l(5))
    expect(seen.slice(-2)).toEqual(['b4', 'c5'])
    ls.remove('u1', b)
    ls.remove('u2', c)
    expect([...ls.keys()]).toEqual([])
  })

  it('holds a listener added twice under a key once', () => {
    const ls = createKeyedListeners<string>()
    ls.add('k', 'a')
    ls.add('k', 'a')
    expect(ls.take('k')).toEqual(['a'])
  })

  it('lets a listener remove itself while its key is being called', () => {
    const ls = createKeyedListeners<() => void>()
    const calls: string[] = []
    const a = () => {
      calls.push('a')
      ls.remove('k', a)
    }
    ls.add('k', a)
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
