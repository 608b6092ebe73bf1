import { switchLayout } from '@messenger/shared'

const CYRILLIC = /\p{Script=Cyrillic}/u
const LATIN = /\p{Script=Latin}/u

/**
 * The typed words as read through the other keyboard layout, when that is what the results
 * matched: every marked word is in the other alphabet than the one typed (the server searches
 * that reading when it has more real words, and says so only through what it marks).
 *
 * @example layoutReading('ghbdtn', ['Привет']) // 'привет'
 */
export const layoutReading = (typed: string, marked: readonly string[]): string | null => {
  const switched = switchLayout(typed)
  if (switched === null || marked.length === 0) return null
  const [typedScript, otherScript] = CYRILLIC.test(typed) ? [CYRILLIC, LATIN] : [LATIN, CYRILLIC]
  return marked.every((m) => otherScript.test(m) && !typedScript.test(m)) ? switched : null
}
