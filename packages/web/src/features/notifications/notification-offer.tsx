import { useI18n } from '../../lib/i18n'
import { askPermission, updatePrefs, usePermission, usePrefs } from './preferences'
import './notifications.css'

/**
 * Above the chat list, until answered: the browser's permission is asked only from this button (or
 * the settings switch), never on load. Either answer, or "Not now", ends the offer.
 */
export const NotificationOffer = () => {
  const { t } = useI18n()
  const permission = usePermission()
  const prefs = usePrefs()
  if (permission !== 'default' || prefs.offerDismissed || !prefs.desktop) return null
  return (
    <section className="notify-offer" aria-label={t('notifications')}>
      <p>{t('notifyOffer')}</p>
      <div className="row">
        <button
          type="button"
          className="primary"
          onClick={() => {
            updatePrefs({ desktop: true, offerDismissed: true })
            void askPermission()
          }}
        >
          {t('notifyTurnOn')}
        </button>
        <button type="button" onClick={() => updatePrefs({ offerDismissed: true })}>
          {t('notifyNotNow')}
        </button>
      </div>
    </section>
  )
}
