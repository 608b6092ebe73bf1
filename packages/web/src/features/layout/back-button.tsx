import { navigate } from '../../lib/router'
import { useI18n } from '../../lib/i18n'
import { BackIcon } from './icons'

/** The header's way back to the chat list (on phones the list is a screen of its own), or `to`. */
export const BackButton = ({ to = '/' }: { to?: string }) => {
  const { t } = useI18n()
  return (
    <button type="button" className="icon back" aria-label={t('back')} onClick={() => navigate(to)}>
      <BackIcon />
    </button>
  )
}
