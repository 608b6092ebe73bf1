import { fullName, type User } from '@messenger/shared'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type SyntheticEvent } from 'react'
import { formatDateTime } from '../../lib/format'
import { useI18n } from '../../lib/i18n'
import { keys } from '../../lib/query-keys'
import { navigate } from '../../lib/router'
import { errorText, readError } from '../../lib/errors'
import { session, trpc } from '../../lib/trpc'
import { Field } from '../auth/field'
import { DRAFT_PREFIX } from '../messages/composer'
import { AvatarEditor } from '../avatars/avatar-editor'
import { BackButton } from '../layout/back-button'
import { resetPresence } from '../presence/presence-store'
import { ChangePassword, DeleteAccount, TwoFactor } from './account-security'
import { LanguageSelect } from './language-select'
import { ThemeSelect } from './theme-select'
import { NotificationSettings } from '../notifications/notification-settings'

/** "Chrome on Linux" from a user agent; the raw string is the fallback. */
const describeDevice = (ua: string | null) => {
  if (!ua) return null
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : null
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : null
  return browser && os ? `${browser}, ${os}` : ua.slice(0, 60)
}

export const logout = async () => {
  try {
    await trpc.auth.logout.mutate()
  } finally {
    // Even if the server is unreachable, this device forgets the session and its drafts.
    session.logoutLocally()
    resetPresence()
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith(DRAFT_PREFIX)) localStorage.removeItem(key)
    }
    navigate('/', { replace: true })
  }
}

const Profile = ({ me }: { me: User }) => {
  const { t } = useI18n()
  const [firstName, setFirstName] = useState(me.firstName)
  const [lastName, setLastName] = useState(me.lastName)
  const save = useMutation({
    mutationFn: () => trpc.users.updateProfile.mutate({ firstName, lastName }),
    onSuccess: (user) => session.setUser(user),
  })
  const submit = (e: SyntheticEvent) => {
    e.preventDefault()
    save.mutate()
  }
  const problems = save.isError ? readError(save.error, ['firstName', 'lastName']) : null
  const fieldError = (name: 'firstName' | 'lastName') => {
    const p = problems?.fields[name]
    return p ? t(p.key, p.vars) : null
  }
  return (
    <section aria-labelledby="profile-h">
      <h3 id="profile-h">{t('profile')}</h3>
      <p className="muted">
        @{me.login} · {me.email}
      </p>
      <form onSubmit={submit} className="stack">
        <div className="field-row">
          <Field
            label={t('firstName')}
            value={firstName}
            required
            error={fieldError('firstName')}
            onChange={(e) => setFirstName(e.target.value)}
          />
          <Field
            label={t('lastName')}
            value={lastName}
            required
            error={fieldError('lastName')}
            onChange={(e) => setLastName(e.target.value)}
          />
        </div>
        <div className="row">
          <button type="submit" disabled={save.isPending}>
            {t('save')}
          </button>
          <span role="status" className="muted">
            {save.isSuccess ? t('saved') : ''}
            {problems?.form ? t(problems.form.key, problems.form.vars) : ''}
          </span>
        </div>
      </form>
    </section>
  )
}

/** Hiding one's presence: others see neither online nor last seen, and neither does the hider. */
const Privacy = () => {
  const { t } = useI18n()
  const qc = useQueryClient()
  const privacy = useQuery({ queryKey: keys.privacy, queryFn: () => trpc.users.privacy.query() })
  const save = useMutation({
    mutationFn: (presenceHidden: boolean) => trpc.users.setPrivacy.mutate({ presenceHidden }),
    onSuccess: (next) => {
      qc.setQueryData(keys.privacy, next)
      // Hidden: others' presence is hidden from us too; shown again: read it anew.
      void qc.invalidateQueries({ queryKey: keys.presenceAll })
    },
  })
  const hidden = save.isPending ? save.variables : privacy.data?.presenceHidden
  return (
    <section aria-labelledby="privacy-h">
      <h3 id="privacy-h">{t('privacy')}</h3>
      <button
        type="button"
        role="switch"
        className="switch-row"
        aria-checked={hidden ?? false}
        aria-describedby="privacy-hint"
        disabled={privacy.isPending || save.isPending}
        onClick={() => save.mutate(!(hidden ?? false))}
      >
        <span>{t('hidePresence')}</span>
        <span className="switch" aria-hidden="true" />
      </button>
      <p id="privacy-hint" className="muted">
        {t('hidePresenceHint')}
      </p>
      {save.error ? (
        <p className="form-error" role="alert">
          {errorText(t, save.error)}
        </p>
      ) : null}
    </section>
  )
}

const Sessions = () => {
  const { t, lang } = useI18n()
  const qc = useQueryClient()
  const sessions = useQuery({
    queryKey: keys.sessions,
    queryFn: () => trpc.auth.sessions.query(),
  })
  const revoke = useMutation({
    mutationFn: (sessionId: string) => trpc.auth.revokeSession.mutate({ sessionId }),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.sessions }),
  })
  const revokeOthers = useMutation({
    mutationFn: () => trpc.auth.revokeOtherSessions.mutate(),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.sessions }),
  })
  const items = sessions.data?.items ?? []
  // The current one first, then the others by last use (as the server orders them).
  const ordered = [...items.filter((s) => s.current), ...items.filter((s) => !s.current)]
  const others = items.filter((s) => !s.current).length
  const error = revoke.error ?? revokeOthers.error
  return (
    <section aria-labelledby="sessions-h">
      <h3 id="sessions-h">{t('sessions')}</h3>
      {sessions.isPending ? <p className="muted">{t('loading')}</p> : null}
      <ul className="sessions">
        {ordered.map((s) => {
          const device = describeDevice(s.userAgent) ?? t('unknownDevice')
          return (
            <li key={s.id} aria-current={s.current ? 'true' : undefined}>
              <span>
                <strong>{device}</strong>
                {s.current ? (
                  <span className="tag">
                    {t('currentSession')} · {t('thisDevice')}
                  </span>
                ) : null}
                <br />
                <span className="muted">
                  {s.address ? `${t('fromAddress', { address: s.address })} · ` : ''}
                  {t('signedInAt', { time: formatDateTime(s.createdAt, lang) })} ·{' '}
                  {t('lastUsed', { time: formatDateTime(s.lastUsedAt, lang) })}
                </span>
              </span>
              {s.current ? null : (
                <button
                  type="button"
                  onClick={() => revoke.mutate(s.id)}
                  disabled={revoke.isPending}
                  aria-label={`${t('endSession')}: ${device}, ${s.address ?? ''} ${formatDateTime(s.lastUsedAt, lang)}`}
                >
                  {t('endSession')}
                </button>
              )}
            </li>
          )
        })}
      </ul>
      {others > 0 ? (
        <button
          type="button"
          onClick={() => revokeOthers.mutate()}
          disabled={revokeOthers.isPending}
        >
          {t('endOtherSessions')}
        </button>
      ) : sessions.isSuccess ? (
        <p className="muted" role="status">
          {revokeOthers.isSuccess ? t('otherSessionsEnded') : t('noOtherSessions')}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
    </section>
  )
}

export const SettingsPage = ({ me }: { me: User }) => {
  const { t } = useI18n()
  return (
    <section className="page" aria-labelledby="settings-h">
      <header className="bar">
        <BackButton />
        <h2 id="settings-h">{t('settings')}</h2>
      </header>
      <div className="page-body">
        <Profile me={me} />
        <AvatarEditor
          id={me.id}
          name={fullName(me)}
          current={me.avatar}
          title={t('profilePhoto')}
          onSaved={async () => session.setUser(await trpc.users.me.query())}
          onRemove={async () => session.setUser(await trpc.users.removeAvatar.mutate())}
        />
        <section className="stack">
          <LanguageSelect />
          <ThemeSelect />
        </section>
        <NotificationSettings login={me.login} />
        <ChangePassword />
        <TwoFactor />
        <Privacy />
        <Sessions />
        <section>
          <button type="button" className="danger" onClick={() => void logout()}>
            {t('logout')}
          </button>
        </section>
        <DeleteAccount />
      </div>
    </section>
  )
}
