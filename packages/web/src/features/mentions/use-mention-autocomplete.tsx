import type { PublicUser } from '@messenger/shared'
import { fullName, mentionAtCaret } from '@messenger/shared'
import {
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type RefObject,
} from 'react'
import { useI18n } from '../../lib/i18n'

/** At most this many people are offered at once. */
const MAX_SUGGESTIONS = 6

const matches = (u: PublicUser, q: string) =>
  u.login.toLowerCase().startsWith(q) ||
  u.firstName.toLowerCase().startsWith(q) ||
  u.lastName.toLowerCase().startsWith(q) ||
  fullName(u).toLowerCase().startsWith(q)

/**
 * `@` autocomplete for the composer from the chat's members, as an ARIA combobox: a wrapper
 * with role combobox holds the text box and controls a listbox of people. While the list is open ↑/↓ move
 * through it (aria-activedescendant), Enter or Tab puts `@login ` in place of what was typed,
 * Escape closes it until that `@word` changes; a click or tap picks too.
 */
export const useMentionAutocomplete = (
  members: readonly PublicUser[] | undefined,
  text: string,
  setText: (text: string) => void,
  ref: RefObject<HTMLTextAreaElement | null>,
) => {
  const { t } = useI18n()
  const listId = useId()
  const [at, setAt] = useState<{ start: number; query: string } | null>(null)
  const [active, setActive] = useState(0)
  const [dismissed, setDismissed] = useState<number | null>(null)
  const caretAfter = useRef<number | null>(null)

  const options = useMemo(() => {
    if (!at || !members) return []
    const q = at.query.toLowerCase()
    return members
      .filter((u) => matches(u, q))
      .sort(
        (a, b) =>
          Number(b.login.toLowerCase().startsWith(q)) - Number(a.login.toLowerCase().startsWith(q)),
      )
      .slice(0, MAX_SUGGESTIONS)
  }, [at, members])
  const open = at !== null && options.length > 0 && dismissed !== at.start
  const current = Math.min(active, options.length - 1)

  // Puts the caret right after an inserted mention once the text has it.
  useLayoutEffect(() => {
    const el = ref.current
    if (caretAfter.current === null || !el) return
    el.setSelectionRange(caretAfter.current, caretAfter.current)
    caretAfter.current = null
  }, [text, ref])

  /** Reads the `@word` at the caret after any change of text or caret. */
  const track = (el: HTMLTextAreaElement) => {
    const next =
      el.selectionStart === el.selectionEnd ? mentionAtCaret(el.value, el.selectionStart) : null
    if (next?.start !== at?.start || next?.query !== at?.query) setActive(0)
    // Closed by Escape: open again once the `@word` changes, not on a mere caret move.
    if (next === null || next.start !== dismissed || next.query !== at?.query) setDismissed(null)
    setAt(next)
  }

  const pick = (u: PublicUser) => {
    const el = ref.current
    if (!at || !el) return
    const rest = text.slice(el.selectionStart).replace(/^[A-Za-z0-9_.-]*/, '')
    const inserted = `@${u.login} `
    caretAfter.current = at.start + inserted.length
    setText(text.slice(0, at.start) + inserted + rest.replace(/^ /, ''))
    setAt(null)
    el.focus()
  }

  /** True when the key was the list's (the composer's own keys then do nothing). */
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!open || e.nativeEvent.isComposing) return false
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const step = e.key === 'ArrowDown' ? 1 : -1
      setActive((current + step + options.length) % options.length)
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      if (e.shiftKey) return false
      pick(options[current]!)
    } else if (e.key === 'Escape') {
      setDismissed(at.start)
    } else {
      return false
    }
    e.preventDefault()
    return true
  }

  const optionId = (i: number) => `${listId}-o${i}`
  return {
    onKeyDown,
    track,
    /** Focus left the text box: the list goes until the caret is in an `@word` again. */
    close: () => setAt(null),
    /** For the wrapper around the text box. */
    comboboxProps: {
      role: 'combobox',
      'aria-expanded': open,
      'aria-haspopup': 'listbox',
      'aria-controls': open ? listId : undefined,
    } as const,
    /** For the text box itself. */
    inputProps: {
      'aria-autocomplete': 'list',
      'aria-controls': open ? listId : undefined,
      'aria-activedescendant': open ? optionId(current) : undefined,
    } as const,
    list: open ? (
      <ul role="listbox" id={listId} aria-label={t('mentionSuggestions')} className="mention-list">
        {options.map((u, i) => (
          <li
            key={u.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === current}
            className={i === current ? 'active' : undefined}
            // Keeps the focus in the text box, so typing goes on where it was.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(u)}
          >
            <span className="mention-name">{fullName(u)}</span>
            <span className="muted">@{u.login}</span>
          </li>
        ))}
      </ul>
    ) : null,
  }
}
