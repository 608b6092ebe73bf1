import { cleanup, render } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { linkify, safeHref } from './linkify'

afterEach(cleanup)

const links = (text: string) => {
  const { container } = render(<p>{linkify(text)}</p>)
  return {
    text: container.textContent,
    anchors: [...container.querySelectorAll('a')].map((a) => ({
      href: a.getAttribute('href'),
      text: a.textContent,
      rel: a.getAttribute('rel'),
      target: a.getAttribute('target'),
    })),
  }
}

describe('linkify', () => {
  it('makes http and https addresses links that cannot reach back to this tab', () => {
    const r = links('see https://example.com/a?b=1, or http://x.org.')
    expect(r.text).toBe('see https://example.com/a?b=1, or http://x.org.')
    expect(r.anchors).toEqual([
      {
        href: 'https://example.com/a?b=1',
        text: 'https://example.com/a?b=1',
        rel: 'noopener noreferrer',
        target: '_blank',
      },
      { href: 'http://x.org/', text: 'http://x.org', rel: 'noopener noreferrer', target: '_blank' },
    ])
  })

  it('leaves every other scheme as plain text', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'ftp://example.com/file',
      'JAVASCRIPT://example.com/%0Aalert(1)',
    ]) {
      const r = links(text)
      expect(r.anchors).toEqual([])
      expect(r.text).toBe(text)
    }
    expect(safeHref('javascript:alert(1)')).toBeNull()
  })

  it('keeps a bracket that belongs to the address', () => {
    expect(links('https://en.wikipedia.org/wiki/Foo_(bar)').anchors[0]?.text).toBe(
      'https://en.wikipedia.org/wiki/Foo_(bar)',
    )
    expect(links('(at https://example.com)').anchors[0]?.text).toBe('https://example.com')
  })
})
