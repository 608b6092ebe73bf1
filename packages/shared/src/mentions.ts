/** At most this many `@`s of one message are looked at (the rest are plain text). */
export const MAX_MENTIONS = 50

export interface MentionToken {
  /** Index of the `@` in the text. */
  start: number
  /** Index just past the login. */
  end: number
  login: string
}

/**
 * The `@login` mentions of a text, as the server stores them (store_mentions in the database has
 * the same grammar): an `@` at the start or after anything but a letter, digit or `_` (so an email
 * address is not one), then a run of login characters `A-Z a-z 0-9 _ . -` whose trailing dots
 * and hyphens are punctuation, 3–32 characters long.
 * `findMentions('hi @ann.')` → `[{ start: 3, end: 7, login: 'ann' }]`.
 */
export const findMentions = (text: string): MentionToken[] => {
  const out: MentionToken[] = []
  let seen = 0
  for (
    let at = text.indexOf('@');
    at !== -1 && seen < MAX_MENTIONS;
    at = text.indexOf('@', at + 1)
  ) {
    seen++
    if (at > 0 && /[A-Za-z0-9_]/.test(text[at - 1]!)) continue
    const run = /^[A-Za-z0-9_.-]+/.exec(text.slice(at + 1, at + 65))?.[0] ?? ''
    const login = run.replace(/[.-]+$/, '')
    if (login.length >= 3 && login.length <= 32) {
      out.push({ start: at, end: at + 1 + login.length, login })
    }
  }
  return out
}

/** The `@word` being typed at `caret`, for autocomplete: its start and what follows the `@`. */
export const mentionAtCaret = (
  text: string,
  caret: number,
): { start: number; query: string } | null => {
  const before = text.slice(0, caret)
  const m = /(^|[^A-Za-z0-9_])@([A-Za-z0-9_.-]{0,32})$/.exec(before)
  if (!m) return null
  return { start: caret - m[2]!.length - 1, query: m[2]! }
}
