import { Fragment, type ReactNode } from 'react'

// Candidates start with a scheme we allow; anything else (javascript:, data:) stays plain text.
const URL_RE = /\bhttps?:\/\/[^\s<>"'«»]+/gi
// Punctuation that ends a sentence rather than the address.
const TRAILING = /[.,;:!?)\]}'"»]+$/

/** An http(s) address a link may point to, or null. */
export const safeHref = (candidate: string): string | null => {
  try {
    const url = new URL(candidate)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
  } catch {
    return null
  }
}

/**
 * Text with its http(s) addresses as links that open in a new tab without handing it `opener`.
 * `plain` renders the text between links (mentions), given where it starts in `text`.
 */
export const linkify = (
  text: string,
  plain: (part: string, offset: number) => ReactNode = (part) => part,
): ReactNode[] => {
  const out: ReactNode[] = []
  let at = 0
  for (const match of text.matchAll(URL_RE)) {
    const start = match.index
    let raw = match[0]
    const tail = TRAILING.exec(raw)
    // Keep a closing bracket that has its opening one inside the address (wikipedia links).
    if (tail && !(tail[0] === ')' && raw.includes('('))) raw = raw.slice(0, -tail[0].length)
    const href = safeHref(raw)
    if (!href) continue
    if (start > at) out.push(<Fragment key={`t${at}`}>{plain(text.slice(at, start), at)}</Fragment>)
    out.push(
      <a key={`a${start}`} href={href} target="_blank" rel="noopener noreferrer">
        {raw}
      </a>,
    )
    at = start + raw.length
  }
  if (at < text.length) out.push(<Fragment key={`t${at}`}>{plain(text.slice(at), at)}</Fragment>)
  return out
}
