import { translate, type Lang } from './i18n'

const locale = (lang: Lang) => (lang === 'ru' ? 'ru-RU' : 'en-GB')

export const formatTime = (iso: string, lang: Lang) =>
  new Date(iso).toLocaleTimeString(locale(lang), { hour: '2-digit', minute: '2-digit' })

const dayStart = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime()

export const isSameDay = (a: string, b: string) => dayStart(new Date(a)) === dayStart(new Date(b))

/** "Today", "Yesterday", or a date; for separators between days in a chat. */
export const formatDay = (iso: string, lang: Lang, now = new Date()) => {
  const diff = Math.round((dayStart(now) - dayStart(new Date(iso))) / 86_400_000)
  if (diff === 0) return translate(lang, 'today')
  if (diff === 1) return translate(lang, 'yesterday')
  const d = new Date(iso)
  return d.toLocaleDateString(locale(lang), {
    day: 'numeric',
    month: 'long',
    year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  })
}

/** Time for today, else a short date: what a chat list shows. */
export const formatShort = (iso: string, lang: Lang, now = new Date()) =>
  isSameDay(iso, now.toISOString())
    ? formatTime(iso, lang)
    : new Date(iso).toLocaleDateString(locale(lang), { day: 'numeric', month: 'short' })

export const formatDateTime = (iso: string, lang: Lang) =>
  new Date(iso).toLocaleString(locale(lang), { dateStyle: 'medium', timeStyle: 'short' })

/** A calendar day written YYYY-MM-DD (as search filters hold it), e.g. "1 Nov 2026". */
export const formatCalendarDay = (day: string, lang: Lang) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString(locale(lang), {
    dateStyle: 'medium',
    timeZone: 'UTC',
  })
