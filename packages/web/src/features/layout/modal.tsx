import { useEffect, useRef, type ReactNode } from 'react'
import { useI18n } from '../../lib/i18n'
import { CloseIcon } from './icons'

/**
 * A native modal <dialog>: the browser traps focus, Esc closes it, and the page behind is inert.
 */
export const Modal = ({
  title,
  onClose,
  children,
  className,
  closeOnBackdrop = false,
}: {
  title: string
  onClose: () => void
  children: ReactNode
  className?: string
  /** A click outside the content closes it (viewers; not forms, where it would lose input). */
  closeOnBackdrop?: boolean
}) => {
  const { t } = useI18n()
  const ref = useRef<HTMLDialogElement>(null)
  const onCloseRef = useRef(onClose)
  onCloseRef.current = onClose

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    // Unmounting removes the element, which closes it; closing here would fire a late 'close'
    // event in StrictMode's remount and dismiss the dialog that was just opened.
    if (!dialog.open) {
      dialog.showModal()
      // showModal focuses the first control (Close); a dialog that asks for input starts there.
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus()
    }
    const close = () => onCloseRef.current()
    dialog.addEventListener('close', close)
    return () => dialog.removeEventListener('close', close)
  }, [])

  return (
    <dialog
      ref={ref}
      className={`modal ${className ?? ''}`}
      aria-label={title}
      onClick={(e) => {
        // The backdrop is the dialog element itself; its content sits in children.
        if (closeOnBackdrop && e.target === e.currentTarget) ref.current?.close()
      }}
      onKeyDown={(e) => {
        // A search field would swallow the first Escape (to clear itself); in a dialog it closes.
        if (e.key === 'Escape') {
          e.preventDefault()
          ref.current?.close()
        }
      }}
    >
      <header className="bar">
        <h2>{title}</h2>
        <button
          type="button"
          className="icon"
          aria-label={t('close')}
          onClick={() => ref.current?.close()}
        >
          <CloseIcon />
        </button>
      </header>
      <div className="modal-body">{children}</div>
    </dialog>
  )
}
