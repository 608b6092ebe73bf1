import { describe, expect, it } from 'vitest'
import { deletionVariants, fuzzyDistance, maxEdits, VARIANT_PREFIX } from './fuzzy'

describe('fuzziness like Elasticsearch AUTO with prefix_length 1', () => {
  it('allows 0 edits up to 2 letters, 1 up to 5, 2 beyond', () => {
    expect([1, 2, 3, 5, 6, 20].map(maxEdits)).toEqual([0, 0, 1, 1, 2, 2])
  })

  it('measures edits, counting a transposition as one', () => {
    expect(fuzzyDistance('кот', 'кот')).toBe(0)
    expect(fuzzyDistance('кот', 'кит')).toBe(1)
    expect(fuzzyDistance('кот', 'кто')).toBe(1)
    expect(fuzzyDistance('hello', 'hlelo')).toBe(1)
    expect(fuzzyDistance('meeting', 'meetnig')).toBe(1)
    expect(fuzzyDistance('сообщение', 'сабщение')).toBe(2)
  })

  it('refuses more edits than the query word length allows, and a changed first letter', () => {
    expect(fuzzyDistance('ко', 'кт')).toBe(null)
    expect(fuzzyDistance('hello', 'hxllx')).toBe(null)
    expect(fuzzyDistance('сообщение', 'сабщенея')).toBe(null)
    expect(fuzzyDistance('привет', 'бривет')).toBe(null)
    expect(fuzzyDistance('cat', 'act')).toBe(null)
  })

  it('deletion variants of two words within the allowed edits always meet (no missed match)', () => {
    // Deterministic PRNG over a tiny alphabet makes close pairs, long ones past the variant prefix too.
    let seed = 42
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const alphabet = ['а', 'б', 'в', 'г', 'a', 'b']
    const word = () =>
      Array.from({ length: 1 + rand(VARIANT_PREFIX + 6) }, () => alphabet[rand(alphabet.length)]!)
    const mutate = (w: string[]) => {
      const out = [...w]
      for (let k = rand(3); k >= 0; k--) {
        const i = 1 + rand(Math.max(1, out.length - 1))
        const op = rand(4)
        if (op === 0) out.splice(i, 1)
        else if (op === 1) out.splice(i, 0, alphabet[rand(alphabet.length)]!)
        else if (op === 2 && i < out.length) out[i] = alphabet[rand(alphabet.length)]!
        else if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!]
      }
      return out
    }
    let matches = 0
    for (let n = 0; n < 4000; n++) {
      const a = word()
      const q = a.join('')
      const t = mutate(a).join('')
      if (t.length === 0 || fuzzyDistance(q, t) === null) continue
      matches++
      const indexSide = new Set(deletionVariants(t))
      expect(
        deletionVariants(q).some((v) => indexSide.has(v)),
        `${q} / ${t}`,
      ).toBe(true)
    }
    expect(matches).toBeGreaterThan(1000)
  })
})
