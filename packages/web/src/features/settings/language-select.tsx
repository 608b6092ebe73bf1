import { useId } from 'react'
import { LANGS, useI18n, type Lang } from '../../lib/i18n'

export const LanguageSelect = () => {
  const { lang, setLang, t } = useI18n()
  const id = useId()
  return (
    <div className="lang-select">
      <label htmlFor={id}>{t('language')}</label>
      <select
        id={id}
        value={lang}
        onChange={(e) => setLang(e.target.value === 'ru' ? 'ru' : ('en' satisfies Lang))}
      >
        {LANGS.map((l) => (
          <option key={l.code} value={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </div>
  )
}
