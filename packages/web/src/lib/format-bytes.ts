const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const
const cache = new Map<string, Intl.NumberFormat>()

/** "1.5 MB" / "1,5 МБ": a size in the reader's language, in steps of 1024. */
export const formatBytes = (bytes: number, lang: string) => {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const key = `${lang}:${units[unit]!}`
  let f = cache.get(key)
  if (!f) {
    f = new Intl.NumberFormat(lang, {
      style: 'unit',
      unit: units[unit]!,
      unitDisplay: 'short',
      maximumFractionDigits: unit === 0 ? 0 : 1,
    })
    cache.set(key, f)
  }
  return f.format(value)
}
