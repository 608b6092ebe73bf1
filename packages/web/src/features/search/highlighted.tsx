import { parseHighlight } from '../../lib/highlight'

/** Renders a search highlight as text with <mark>s; nothing is parsed as HTML. */
export const Highlighted = ({ html }: { html: string }) => (
  <>
    {parseHighlight(html).map((part, i) =>
      part.marked ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
    )}
  </>
)
