/** The count drawn on the favicon: nothing at 0, "99+" past 99. */
export const badgeText = (count: number): string =>
  count <= 0 ? '' : count > 99 ? '99+' : String(Math.floor(count))

const SIZE = 64

/** A blue speech bubble, with a red badge carrying `text` when there is one; a PNG data URL. */
export const drawFavicon = (text: string): string | null => {
  const canvas = document.createElement('canvas')
  canvas.width = SIZE
  canvas.height = SIZE
  const g = canvas.getContext('2d')
  if (!g) return null
  g.fillStyle = '#2f6fde'
  g.beginPath()
  g.arc(30, 30, 26, 0, Math.PI * 2)
  g.moveTo(12, 46)
  g.lineTo(6, 60)
  g.lineTo(26, 54)
  g.fill()
  g.fillStyle = '#ffffff'
  for (const x of [19, 30, 41]) {
    g.beginPath()
    g.arc(x, 30, 4, 0, Math.PI * 2)
    g.fill()
  }
  if (text !== '') {
    const width = text.length > 2 ? 48 : text.length > 1 ? 40 : 34
    const x = SIZE - width
    g.fillStyle = '#d32f2f'
    g.beginPath()
    g.roundRect(x, 0, width, 34, 17)
    g.fill()
    g.fillStyle = '#ffffff'
    g.font = `bold ${text.length > 2 ? 22 : 26}px system-ui, sans-serif`
    g.textAlign = 'center'
    g.textBaseline = 'middle'
    g.fillText(text, x + width / 2, 18)
  }
  return canvas.toDataURL('image/png')
}

const drawn = new Map<string, string | null>()

const drawOnce = (text: string) => {
  if (!drawn.has(text)) drawn.set(text, drawFavicon(text))
  return drawn.get(text) ?? null
}

/** The icon without a badge, for notifications. */
export const appIconUrl = () => drawOnce('')

/**
 * Shows `count` on the tab's icon. The `<link rel="icon">` keeps the text in `data-badge`, so
 * what it shows can be read without decoding the picture.
 */
export const setFaviconBadge = (count: number) => {
  const text = badgeText(count)
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]')
  if (!link) {
    link = document.createElement('link')
    link.rel = 'icon'
    document.head.append(link)
  }
  if (link.dataset.badge === text && link.href.startsWith('data:image/png')) return
  const url = drawOnce(text)
  if (!url) return
  link.type = 'image/png'
  link.href = url
  link.dataset.badge = text
}
