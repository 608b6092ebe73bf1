import { useId } from 'react'
import { useI18n, type MessageKey } from '../../lib/i18n'
import { setThemeChoice, THEME_CHOICES, useThemeChoice, type ThemeChoice } from './theme'

const LABELS: Record<ThemeChoice, MessageKey> = {
  system: 'themeSystem',
  light: 'themeLight',
  dark: 'themeDark',
}

export const ThemeSelect = () => {
  const { t } = useI18n()
  const choice = useThemeChoice()
  const id = useId()
  return (
    <div className="lang-select">
      <label htmlFor={id}>{t('theme')}</label>
      <select
        id={id}
        value={choice}
        onChange={(e) => {
          const next = THEME_CHOICES.find((c) => c === e.target.value)
          if (next) setThemeChoice(next)
        }}
      >
        {THEME_CHOICES.map((c) => (
          <option key={c} value={c}>
            {t(LABELS[c])}
          </option>
        ))}
      </select>
    </div>
  )
}
