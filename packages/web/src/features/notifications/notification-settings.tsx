import { useI18n } from '../../lib/i18n'
import { askPermission, updatePrefs, usePermission, usePrefs } from './preferences'
import './notifications.css'

/** A labelled on/off switch: the whole row is the 44 px target. */
const Switch = ({
  label,
  on,
  disabled = false,
  onChange,
}: {
  label: string
  on: boolean
  disabled?: boolean
  onChange: (on: boolean) => void
}) => (
  <button
    type="button"
    role="switch"
    className="switch"
    aria-checked={on}
    disabled={disabled}
    onClick={() => onChange(!on)}
  >
    <span>{label}</span>
    <span className="switch-track" aria-hidden="true" />
  </button>
)

export const NotificationSettings = ({ login }: { login: string }) => {
  const { t } = useI18n()
  const prefs = usePrefs()
  const permission = usePermission()
  return (
    <section aria-labelledby="notifications-h" className="stack">
      <h3 id="notifications-h">{t('notifications')}</h3>
      <Switch
        label={t('notifyDesktop')}
        on={prefs.desktop && permission === 'granted'}
        disabled={permission === 'denied' || permission === 'unsupported'}
        onChange={(on) => {
          updatePrefs({ desktop: on, offerDismissed: true })
          if (on && permission === 'default') void askPermission()
        }}
      />
      {permission === 'denied' ? <p className="muted">{t('notifyDenied')}</p> : null}
      {permission === 'unsupported' ? <p className="muted">{t('notifyUnsupported')}</p> : null}
      <Switch
        label={t('notifySound')}
        on={prefs.sound}
        onChange={(on) => updatePrefs({ sound: on })}
      />
      <p className="muted">{t('notifyMutedHint', { login })}</p>
    </section>
  )
}
