import { QUICK_REACTIONS, singleEmoji, type Message } from '@messenger/shared'
import { useId, useState } from 'react'
import { useI18n } from '../../lib/i18n'
import './reactions.css'

export interface ReactionHandlers {
  react: (message: Message, emoji: string, active: boolean) => void
  whoReacted: (message: Message) => void
}

/** The message's reactions as toggles: pressing one adds or takes back the caller's own. */
export const ReactionChips = ({ message, on }: { message: Message; on: ReactionHandlers }) => {
  const { t } = useI18n()
  const list = message.reactions ?? []
  if (list.length === 0) return null
  return (
    <div className="reactions" role="group" aria-label={t('reactionsOf')}>
      {list.map((r) => {
        const label = t('reactionChip', { emoji: r.emoji, count: r.count })
        return (
          <button
            key={r.emoji}
            type="button"
            className="reaction"
            aria-pressed={r.mine}
            aria-label={r.mine ? t('reactionMine', { label }) : label}
            onClick={() => on.react(message, r.emoji, !r.mine)}
          >
            <span aria-hidden="true">{r.emoji}</span>
            <span className="count" aria-hidden="true">
              {r.count}
            </span>
          </button>
        )
      })}
    </div>
  )
}

/** A button that opens the quick set, a field for any single emoji, and who reacted. */
export const ReactionPicker = ({ message, on }: { message: Message; on: ReactionHandlers }) => {
  const { t } = useI18n()
  const [open, setOpen] = useState(false)
  const [custom, setCustom] = useState('')
  const [error, setError] = useState(false)
  const fieldId = useId()
  const pick = (emoji: string) => {
    const mine = message.reactions?.find((r) => r.emoji === emoji)?.mine ?? false
    on.react(message, emoji, !mine)
    setOpen(false)
  }
  return (
    <div
      className="react-picker"
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget)) setOpen(false)
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setOpen(false)
      }}
    >
      <button
        type="button"
        className="icon react-open"
        aria-label={t('react')}
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">☺</span>
      </button>
      {open ? (
        <div className="react-menu" role="group" aria-label={t('react')}>
          <div className="quick">
            {QUICK_REACTIONS.map((e, i) => (
              <button
                key={e}
                type="button"
                className="emoji"
                autoFocus={i === 0}
                aria-pressed={message.reactions?.find((r) => r.emoji === e)?.mine ?? false}
                onClick={() => pick(e)}
              >
                {e}
              </button>
            ))}
          </div>
          <form
            className="custom"
            onSubmit={(ev) => {
              ev.preventDefault()
              const e = singleEmoji(custom.trim())
              if (!e) return setError(true)
              setCustom('')
              setError(false)
              pick(e)
            }}
          >
            <label htmlFor={fieldId} className="visually-hidden">
              {t('anyEmoji')}
            </label>
            <input
              id={fieldId}
              value={custom}
              placeholder={t('anyEmoji')}
              maxLength={32}
              aria-invalid={error}
              aria-describedby={error ? `${fieldId}-err` : undefined}
              onChange={(ev) => {
                setCustom(ev.target.value)
                setError(false)
              }}
            />
            <button type="submit">{t('addEmoji')}</button>
          </form>
          {error ? (
            <p id={`${fieldId}-err`} className="field-error" role="alert">
              {t('notOneEmoji')}
            </p>
          ) : null}
          {(message.reactions?.length ?? 0) > 0 ? (
            <button
              type="button"
              className="who"
              onClick={() => {
                setOpen(false)
                on.whoReacted(message)
              }}
            >
              {t('whoReacted')}
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  )
}
