import { findMentions } from '@messenger/shared'
import { Fragment, type ReactNode } from 'react'
import { linkify } from '../messages/linkify'
import './mentions.css'

/** Who can be mentioned in a chat: its members' logins (lower case) and the viewer's own. */
export interface Mentionable {
  logins: ReadonlySet<string>
  mine: string
}

/**
 * A message's text with links and, outside them, `@login` mentions of the chat's members marked
 * (more strongly the viewer's own), by the grammar the server stores them with.
 */
export const richText = (text: string, mentionable: Mentionable | undefined): ReactNode[] =>
  linkify(text, (part) => {
    if (!mentionable || !part.includes('@')) return part
    const out: ReactNode[] = []
    let at = 0
    for (const m of findMentions(part)) {
      const login = m.login.toLowerCase()
      if (!mentionable.logins.has(login)) continue
      if (m.start > at) out.push(<Fragment key={`p${at}`}>{part.slice(at, m.start)}</Fragment>)
      const me = login === mentionable.mine
      out.push(
        <mark key={`m${m.start}`} className={`mention${me ? ' me' : ''}`}>
          {part.slice(m.start, m.end)}
        </mark>,
      )
      at = m.end
    }
    if (at === 0) return part
    if (at < part.length) out.push(<Fragment key={`p${at}`}>{part.slice(at)}</Fragment>)
    return out
  })
