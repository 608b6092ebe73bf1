/**
 * Backgrounds for white initials, each 5:1 or more against white (WCAG AA for small text), so no
 * hue ends up unreadable the way light greens and yellows of a computed hue did.
 */
const COLOURS = [
  '#b3261e',
  '#a4480f',
  '#8a5a00',
  '#4d6b12',
  '#1b7a3d',
  '#00736b',
  '#0b6e99',
  '#2f5fd0',
  '#5b4fd6',
  '#8b3fb8',
  '#a83278',
  '#6b6b6b',
]

/** Initials on a colour derived from the id: people are told apart at a glance. */
export const Avatar = ({ id, name, size = 40 }: { id: string; name: string; size?: number }) => {
  let hash = 0
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('')
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{
        width: size,
        height: size,
        fontSize: size * 0.4,
        background: COLOURS[hash % COLOURS.length],
      }}
    >
      {initials || '?'}
    </span>
  )
}
