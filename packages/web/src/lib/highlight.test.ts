import { describe, expect, it } from 'vitest'
import { parseHighlight } from './highlight'

describe('parseHighlight', () => {
  it('splits marked and plain text and decodes entities', () => {
    expect(parseHighlight('a &lt;b&gt; <mark>caf&eacute;</mark> &amp; <mark>x</mark>!')).toEqual([
      { text: 'a <b> ', marked: false },
      { text: 'caf&eacute;', marked: true },
      { text: ' & ', marked: false },
      { text: 'x', marked: true },
      { text: '!', marked: false },
    ])
  })

  it('never yields markup: escaped tags stay text', () => {
    const parts = parseHighlight('&lt;img src=x onerror=alert(1)&gt; <mark>hi</mark>')
    expect(parts[0]?.text).toBe('<img src=x onerror=alert(1)> ')
    expect(parts.map((p) => p.marked)).toEqual([false, true])
  })

  it('decodes numeric references', () => {
    expect(parseHighlight('&#39;q&#x27;')[0]?.text).toBe("'q'")
  })
})
