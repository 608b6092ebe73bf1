import { translate, type Lang } from './i18n'

const locale = (lang: Lang) => (lang === 'ru' ? 'ru-RU' : 'en-GB')

/**
 * One Intl.DateTimeFormat per language and style: `toLocale*String` builds a new one on every
 * call, which was most of the script time when a page of history arrived.
 */
const formatters = new Map<string, Intl.DateTimeFormat>()
const formatter = (lang: Lang, style: string, options: Intl.DateTimeFormatOptions) => {
  const key = `${lang} ${style}`
  let f = formatters.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(locale(lang), options)
    formatters.set(key, f)
  }
  return f
}

export const formatTime = (iso: string, lang: Lang) =>
  formatter(lang, 'time', { hour: '2-digit', minute: '2-digit' }).format(new Date(iso))

const dayStart = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime()

export const isSameDay = (a: string, b: string) => dayStart(new Date(a)) === dayStart(new Date(b))

/** The local day an instant falls on, as a number to compare (the start of that day). */
export const localDay = (iso: string) => dayStart(new Date(iso))

/** "Today", "Yesterday", or a date; for separators between days in a chat. */
export const formatDay = (iso: string, lang: Lang, now = new Date()) => {
  const diff = Math.round((dayStart(now) - dayStart(new Date(iso))) / 86_400_000)
  if (diff === 0) return translate(lang, 'today')
  if (diff === 1) return translate(lang, 'yesterday')
  const d = new Date(iso)
  return d.getFullYear() === now.getFullYear()
    ? formatter(lang, 'day', { day: 'numeric', month: 'long' }).format(d)
    : formatter(lang, 'day-year', { day: 'numeric', month: 'long', year: 'numeric' }).format(d)
}

/** Time for today, else a short date: what a chat list shows. */
export const formatShort = (iso: string, lang: Lang, now = new Date()) =>
  isSameDay(iso, now.toISOString())
    ? formatTime(iso, lang)
    : formatter(lang, 'short', { day: 'numeric', month: 'short' }).format(new Date(iso))

export const formatDateTime = (iso: string, lang: Lang) =>
  formatter(lang, 'date-time', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso))

/** A calendar day written YYYY-MM-DD (as search filters hold it), e.g. "1 Nov 2026". */
export const formatCalendarDay = (day: string, lang: Lang) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString(locale(lang), {
    dateStyle: 'medium',
    timeZone: 'UTC',
  })
