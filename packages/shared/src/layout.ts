/**
 * The Russian ЙЦУКЕН and the US QWERTY layouts key by key: text typed with the wrong layout on
 * ("ghbdtn" for "привет", "j,tl" for "обед", "руддщ" for "hello") read through the other one.
 * The punctuation keys that carry б ю ж э х ъ ё on the Russian layout are part of the map.
 */
const EN = '`qwertyuiop[]asdfghjkl;\'zxcvbnm,.~QWERTYUIOP{}ASDFGHJKL:"ZXCVBNM<>'
const RU = 'ёйцукенгшщзхъфывапролджэячсмитьбюЁЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ'

const enToRu = new Map<string, string>()
const ruToEn = new Map<string, string>()
Array.from(EN).forEach((e, i) => {
  const r = RU[i]!
  enToRu.set(e, r)
  ruToEn.set(r, e)
})

const CYRILLIC = /\p{Script=Cyrillic}/u
const LATIN = /\p{Script=Latin}/u

/**
 * The text as it would have come out with the other layout on, or null when it has no letters of
 * either alphabet to switch. A text with Cyrillic letters goes to the Latin keys, any other to the
 * Cyrillic ones; characters off the map stay as they are.
 *
 * @example switchLayout('ghbdtn j,tl') // 'привет обед'
 */
export const switchLayout = (text: string): string | null => {
  const toLatin = CYRILLIC.test(text)
  if (!toLatin && !LATIN.test(text)) return null
  const map = toLatin ? ruToEn : enToRu
  let out = ''
  for (const c of text) out += map.get(c) ?? c
  return out
}
