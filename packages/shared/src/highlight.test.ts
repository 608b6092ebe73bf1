import { describe, expect, it } from 'vitest'
import { highlight } from './highlight'
import { terms } from './text'

describe('highlight', () => {
  it('escapes HTML and marks only the matched words', () => {
    expect(highlight('<script>alert("мир")</script> & мир', ['мир'])).toBe(
      '&lt;script&gt;alert(&quot;<mark>мир</mark>&quot;)&lt;/script&gt; &amp; <mark>мир</mark>',
    )
    expect(highlight('<img src=x onerror=alert(1)>', ['nothing'])).toBe(
      '&lt;img src=x onerror=alert(1)&gt;',
    )
  })

  it('matches by the normalized form: case and ё folded, as written in the output', () => {
    expect(highlight('Ёлка и ЕЛКА, Hello', ['елка', 'hello'])).toBe(
      '<mark>Ёлка</mark> и <mark>ЕЛКА</mark>, <mark>Hello</mark>',
    )
    // A decomposed ё (е + U+0308) is one word and folds the same way.
    expect(highlight('е\u0308лка', ['елка'])).toBe('<mark>е\u0308лка</mark>')
  })

  it('does not mark a term inside a longer word', () => {
    expect(highlight('котлета кот', ['кот'])).toBe('котлета <mark>кот</mark>')
  })

  it('cuts a long text to a snippet around the first match with … at the cut ends', () => {
    const before = 'слово '.repeat(60)
    const after = ' хвост'.repeat(60)
    const out = highlight(`${before}нужное${after}`, ['нужное'])
    expect(out.startsWith('…слово')).toBe(true)
    expect(out.endsWith('хвост…')).toBe(true)
    expect(out).toContain('<mark>нужное</mark>')
    const plain = out.replace(/<\/?mark>/g, '')
    expect(plain.length).toBeLessThanOrEqual(162)
    expect(plain.length).toBeGreaterThan(120)
  })

  it('keeps the start of a long text when the match is near it, and when nothing matches', () => {
    const text = `начало ${'текст '.repeat(80)}`
    expect(highlight(text, ['начало'])).toMatch(/^<mark>начало<\/mark> текст.*текст…$/)
    expect(highlight(text, ['нет'])).toMatch(/^начало текст.*текст…$/)
    const end = `${'текст '.repeat(80)}конец`
    expect(highlight(end, ['конец'])).toMatch(/^…текст.*<mark>конец<\/mark>$/)
  })

  it('agrees with the indexer on what the terms of a text are', () => {
    const text = 'Встреча в 10:30, ВСТРЕЧА!'
    expect(terms(text)).toEqual(['встреча', 'в', '10', '30'])
    expect(highlight(text, terms('встреча'))).toBe(
      '<mark>Встреча</mark> в 10:30, <mark>ВСТРЕЧА</mark>!',
    )
  })
})
