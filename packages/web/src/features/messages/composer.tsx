import type { Message, PublicUser } from '@messenger/shared'
import {
  fullName,
  MAX_FILES_PER_MESSAGE,
  MAX_IMAGES_PER_MESSAGE,
  MAX_TEXT_LENGTH,
} from '@messenger/shared'
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { useI18n } from '../../lib/i18n'
import { ClipIcon, CloseIcon, FileIcon, SendIcon } from '../layout/icons'
import { useMentionAutocomplete } from '../mentions/use-mention-autocomplete'
import type { useAttachments } from './use-attachments'

export interface ComposerProps {
  attachments: ReturnType<typeof useAttachments>
  editing: Message | null
  onCancelEdit: () => void
  onSend: (text: string) => void
  onSaveEdit: (message: Message, text: string) => void
  /** The message the next one answers, shown above the box until sent or cancelled. */
  replyingTo?: Message | null
  onCancelReply?: () => void
  /** ↑ in an empty composer: edit the newest message of one's own, as in most messengers. */
  onEditLast?: () => void
  /** localStorage key of this chat's draft: kept across switching chats and reloads. */
  draftKey?: string
  /** Called on every keystroke of a new message (not an edit): the typing indicator. */
  onTyping?: () => void
  /** The chat's other members, offered after `@`. */
  members?: readonly PublicUser[] | undefined
}

/** Drafts live under this prefix; logging out removes them all. */
export const DRAFT_PREFIX = 'messenger.draft.'

const readDraft = (key: string | undefined) => {
  if (!key) return ''
  try {
    return localStorage.getItem(key) ?? ''
  } catch {
    return ''
  }
}

/** Enter sends, Shift+Enter starts a new line; images and files come by button, paste or drop. */
export const Composer = ({
  attachments,
  editing,
  onCancelEdit,
  onSend,
  onSaveEdit,
  onEditLast,
  replyingTo = null,
  onCancelReply,
  draftKey,
  onTyping,
  members,
}: ComposerProps) => {
  const { t } = useI18n()
  const fileRef = useRef<HTMLInputElement>(null)
  const [text, setText] = useState(() => readDraft(draftKey))
  // What to return to after an edit (and on mount, which runs the edit effect once).
  const [draft, setDraft] = useState(() => readDraft(draftKey))
  const ref = useRef<HTMLTextAreaElement>(null)
  const mention = useMentionAutocomplete(members, text, setText, ref)

  useEffect(() => {
    if (editing) {
      setDraft(text)
      setText(editing.text ?? '')
    } else {
      setText(draft)
    }
    // On a phone, focusing on open would throw up the keyboard over the history.
    if (
      editing ||
      (typeof window.matchMedia === 'function' && window.matchMedia('(pointer: fine)').matches)
    )
      ref.current?.focus()
    // Only when edit mode starts or ends, not on every keystroke.
  }, [editing])

  useEffect(() => {
    if (replyingTo) ref.current?.focus()
  }, [replyingTo])

  useEffect(() => {
    if (!draftKey || editing) return
    try {
      if (text) localStorage.setItem(draftKey, text)
      else localStorage.removeItem(draftKey)
    } catch {
      // Storage full or off: the draft lives only as long as this view.
    }
  }, [text, draftKey, editing])

  const refused = attachments.refused
  const problems = [
    ...attachments.items.flatMap((a) => (a.error ? [t(a.error.key, a.error.vars)] : [])),
    ...(refused && refused.filesOverflow > 0
      ? [t('filesNotAttached', { count: refused.filesOverflow, max: MAX_FILES_PER_MESSAGE })]
      : []),
    ...(refused && refused.overflow > 0
      ? [t('notAttached', { count: refused.overflow, max: MAX_IMAGES_PER_MESSAGE })]
      : []),
  ]

  const trimmed = text.trim()
  const canSend = editing
    ? trimmed.length > 0
    : !attachments.uploading && (trimmed.length > 0 || attachments.ready > 0)

  const submit = () => {
    if (!canSend) return
    if (editing) {
      if (trimmed !== editing.text) onSaveEdit(editing, trimmed)
      else onCancelEdit()
      return
    }
    onSend(trimmed)
    setText('')
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (mention.onKeyDown(e)) return
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault()
      submit()
    } else if (e.key === 'Escape' && editing) {
      onCancelEdit()
    } else if (e.key === 'Escape' && replyingTo) {
      onCancelReply?.()
    } else if (
      e.key === 'ArrowUp' &&
      !editing &&
      text === '' &&
      attachments.items.length === 0 &&
      onEditLast
    ) {
      e.preventDefault()
      onEditLast()
    }
  }

  return (
    <div className="composer">
      {editing ? (
        <div className="editing-bar">
          <span>{t('editing')}</span>
          <button
            type="button"
            className="icon small"
            aria-label={t('cancelEdit')}
            onClick={onCancelEdit}
          >
            <CloseIcon />
          </button>
        </div>
      ) : replyingTo ? (
        <div className="editing-bar reply-bar">
          <span className="reply-bar-text">
            {t('replyingTo', { name: fullName(replyingTo.sender) })}
            <span className="muted"> {replyingTo.text ?? t('image')}</span>
          </span>
          <button
            type="button"
            className="icon small"
            aria-label={t('cancelReply')}
            onClick={onCancelReply}
          >
            <CloseIcon />
          </button>
        </div>
      ) : null}
      {attachments.items.length > 0 ? (
        <ul className="tray">
          {attachments.items.map((a) => (
            <li key={a.key} className={a.error ? 'error' : ''}>
              {/* A refused file may not be an image at all: no preview, so no broken icon. */}
              {a.error ? (
                <span className="tray-refused" aria-hidden="true">
                  !
                </span>
              ) : a.kind === 'file' ? (
                <span className="tray-file" title={a.name}>
                  <FileIcon />
                  <span className="tray-file-name">{a.name}</span>
                </span>
              ) : (
                <img src={a.previewUrl} alt={a.name} />
              )}
              {a.image || a.file || a.error ? null : (
                <progress
                  max={1}
                  value={a.progress}
                  aria-label={t('uploading', { name: a.name })}
                />
              )}
              <button
                type="button"
                className="icon small tray-remove"
                aria-label={`${t('removeAttachment')}: ${a.name}`}
                onClick={() => attachments.remove(a.key)}
              >
                <CloseIcon />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {problems.length > 0 ? (
        // The alert wraps the list: as the list's own role it would leave the items without a list.
        <div role="alert">
          <ul className="tray-problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="composer-row">
        {editing ? null : (
          <>
            <button
              type="button"
              className="icon attach"
              aria-label={t('attach')}
              title={t('attach')}
              onClick={() => fileRef.current?.click()}
            >
              <ClipIcon />
            </button>
            <input
              ref={fileRef}
              type="file"
              tabIndex={-1}
              aria-hidden="true"
              data-testid="file-input"
              multiple
              className="visually-hidden"
              onChange={(e) => {
                if (e.target.files) attachments.add(e.target.files)
                e.target.value = ''
              }}
            />
          </>
        )}
        <div className="composer-input" aria-label={t('messageInput')} {...mention.comboboxProps}>
          <textarea
            ref={ref}
            rows={1}
            aria-label={t('messageInput')}
            placeholder={t('messagePlaceholder')}
            value={text}
            maxLength={MAX_TEXT_LENGTH}
            {...mention.inputProps}
            onChange={(e) => {
              setText(e.target.value)
              mention.track(e.target)
              if (!editing && e.target.value.trim() !== '') onTyping?.()
            }}
            onSelect={(e) => mention.track(e.currentTarget)}
            onBlur={() => mention.close()}
            onKeyDown={onKeyDown}
            onPaste={(e) => {
              const files = [...e.clipboardData.files]
              if (files.length > 0 && !editing) {
                e.preventDefault()
                attachments.add(files)
              }
            }}
          />
          {mention.list}
        </div>
        <button
          type="button"
          className="icon send"
          aria-label={editing ? t('save') : t('send')}
          disabled={!canSend}
          onClick={submit}
        >
          <SendIcon />
        </button>
      </div>
    </div>
  )
}
