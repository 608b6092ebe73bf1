import type { PublicUser } from '@messenger/shared'
import { useI18n } from '../../lib/i18n'
import { navigate, profilePath } from '../../lib/router'
import { personName } from './names'
import './profile.css'

/** A person's name (and login) that opens their profile. */
export const ProfileLink = ({ user, onOpen }: { user: PublicUser; onOpen?: () => void }) => {
  const { t } = useI18n()
  const name = personName(t, user)
  return (
    <a
      href={profilePath(user.id)}
      className="profile-link"
      onClick={(e) => {
        e.preventDefault()
        onOpen?.()
        navigate(profilePath(user.id))
      }}
    >
      {name} {user.deleted ? null : <span className="muted">@{user.login}</span>}
    </a>
  )
}
