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
        background: `hsl(${hash % 360} 55% 45%)`,
      }}
    >
      {initials || '?'}
    </span>
  )
}
