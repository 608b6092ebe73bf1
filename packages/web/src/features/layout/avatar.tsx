import type { Avatar as AvatarPhoto, PublicUser } from '@messenger/shared'

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

/** The smallest version that is sharp at `size` CSS pixels on this screen. */
export const avatarUrl = (avatar: AvatarPhoto, size: number) => {
  const want = size * (typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1)
  return (avatar.sizes.find((s) => s.size >= want) ?? avatar.sizes.at(-1))?.url
}

/**
 * Initials on a colour derived from the id: people are told apart at a glance. With a photo, the
 * photo covers them once it loads (the initials are its placeholder). `online` adds a green dot
 * (decorative: say it in text beside it too).
 */
export const Avatar = ({
  id,
  name,
  size = 40,
  avatar,
  online = false,
}: {
  id: string
  name: string
  size?: number
  avatar?: AvatarPhoto | undefined
  online?: boolean
}) => {
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
      {avatar ? (
        <img
          className="avatar-photo"
          src={avatarUrl(avatar, size)}
          alt=""
          width={size}
          height={size}
          loading="lazy"
          decoding="async"
        />
      ) : null}
      {online ? <span className="presence-dot" /> : null}
    </span>
  )
}

/** A chat's picture: a group's own photo, or in a personal chat the other person's. */
export const chatAvatar = (
  chat: { isDirect: boolean; avatar?: AvatarPhoto | undefined; members: PublicUser[] },
  myId: string,
) => (chat.isDirect ? chat.members.find((m) => m.id !== myId)?.avatar : chat.avatar)
