import type { Avatar as AvatarPhoto } from '@messenger/shared'
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react'
import { useI18n } from '../../lib/i18n'
import { session } from '../../lib/trpc'
import { PIPELINE_IMAGE_TYPES, uploadAvatar, UploadError } from '../../lib/upload'
import { Avatar } from '../layout/avatar'

interface Square {
  left: number
  top: number
  size: number
}

/** The widest the picture is shown while cropping, in CSS pixels. */
const STAGE = 280

const clamp = (s: Square, w: number, h: number): Square => {
  const size = Math.max(1, Math.min(Math.round(s.size), w, h))
  return {
    size,
    left: Math.max(0, Math.min(Math.round(s.left), w - size)),
    top: Math.max(0, Math.min(Math.round(s.top), h - size)),
  }
}

/**
 * A square chosen on the picture: drag it, move it with the arrow keys (Shift: tenfold steps),
 * size it with the slider. Everything is in the picture's own pixels (as the browser shows it,
 * EXIF orientation applied), which is what the server crops.
 */
const Cropper = ({
  url,
  onChange,
}: {
  url: string
  onChange: (square: Square, natural: { width: number; height: number }) => void
}) => {
  const { t } = useI18n()
  const [natural, setNatural] = useState<{ width: number; height: number } | null>(null)
  const [square, setSquare] = useState<Square | null>(null)
  const drag = useRef<{ x: number; y: number; from: Square } | null>(null)
  const scale = natural ? Math.min(1, STAGE / natural.width) : 1

  const set = (next: Square) => {
    if (!natural) return
    const fixed = clamp(next, natural.width, natural.height)
    setSquare(fixed)
    onChange(fixed, natural)
  }

  const onKeyDown = (e: KeyboardEvent) => {
    if (!square) return
    const step = Math.max(1, Math.round(((e.shiftKey ? 10 : 1) * 4) / scale))
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    }
    const move = moves[e.key]
    if (!move) return
    e.preventDefault()
    set({ ...square, left: square.left + move[0], top: square.top + move[1] })
  }
  const onPointerDown = (e: PointerEvent) => {
    if (!square) return
    e.currentTarget.setPointerCapture(e.pointerId)
    drag.current = { x: e.clientX, y: e.clientY, from: square }
  }
  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current
    if (!d) return
    set({
      ...d.from,
      left: d.from.left + (e.clientX - d.x) / scale,
      top: d.from.top + (e.clientY - d.y) / scale,
    })
  }
  const minSide = natural ? Math.min(natural.width, natural.height) : 1

  return (
    <div className="stack">
      <p className="muted">{t('cropHint')}</p>
      <div className="crop-stage-wrap">
        <div className="crop-stage" style={natural ? { width: natural.width * scale } : undefined}>
          <img
            src={url}
            alt=""
            onLoad={(e) => {
              const n = {
                width: e.currentTarget.naturalWidth,
                height: e.currentTarget.naturalHeight,
              }
              setNatural(n)
              const side = Math.min(n.width, n.height)
              const first = { left: (n.width - side) / 2, top: (n.height - side) / 2, size: side }
              const fixed = clamp(first, n.width, n.height)
              setSquare(fixed)
              onChange(fixed, n)
            }}
          />
          {square ? (
            <button
              type="button"
              className="crop-square"
              aria-label={t('cropArea')}
              data-testid="crop-square"
              style={{
                left: square.left * scale,
                top: square.top * scale,
                width: square.size * scale,
                height: square.size * scale,
              }}
              onKeyDown={onKeyDown}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={() => (drag.current = null)}
              onPointerCancel={() => (drag.current = null)}
            />
          ) : null}
        </div>
      </div>
      {square && natural ? (
        <label className="stack">
          <span>{t('cropSize')}</span>
          <input
            type="range"
            min={Math.min(32, minSide)}
            max={minSide}
            value={square.size}
            onChange={(e) => {
              const size = Number(e.target.value)
              // Grows and shrinks about its centre.
              const d = (size - square.size) / 2
              set({ left: square.left - d, top: square.top - d, size })
            }}
          />
        </label>
      ) : null}
    </div>
  )
}

/**
 * The profile photo, or a group's (`chatId`, for its owner): the current one, Choose/Change with
 * a crop step, Save, and Remove.
 */
export const AvatarEditor = ({
  id,
  name,
  current,
  chatId,
  title,
  onSaved,
  onRemove,
}: {
  id: string
  name: string
  current: AvatarPhoto | undefined
  chatId?: string
  title: string
  onSaved: (avatar: AvatarPhoto) => void | Promise<void>
  onRemove: () => Promise<unknown>
}) => {
  const { t } = useI18n()
  const input = useRef<HTMLInputElement>(null)
  const [file, setFile] = useState<File | null>(null)
  const [url, setUrl] = useState<string | null>(null)
  const crop = useRef<Square | null>(null)
  const [status, setStatus] = useState<string>('')
  const [busy, setBusy] = useState(false)

  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url])

  const pick = (f: File | undefined) => {
    if (!f) return
    if (!PIPELINE_IMAGE_TYPES.includes(f.type)) {
      setStatus(t('photoNotImage'))
      return
    }
    setStatus('')
    setFile(f)
    setUrl(URL.createObjectURL(f))
  }

  const save = async () => {
    if (!file || !crop.current) return
    setBusy(true)
    try {
      const token = (await session.getAccessToken()) ?? ''
      const avatar = await uploadAvatar(file, crop.current, token, chatId)
      await onSaved(avatar)
      setFile(null)
      setUrl(null)
      setStatus(t('photoSaved'))
    } catch (err) {
      const reason = err instanceof UploadError ? err.message : String(err)
      setStatus(t('photoFailed', { reason }))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="stack" aria-label={title}>
      <h3>{title}</h3>
      <div className="avatar-editor">
        <Avatar id={id} name={name} size={64} avatar={current} />
        <button type="button" onClick={() => input.current?.click()} disabled={busy}>
          {current ? t('changePhoto') : t('choosePhoto')}
        </button>
        {current ? (
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              setBusy(true)
              onRemove()
                .then(
                  () => setStatus(t('photoRemoved')),
                  (err: unknown) => setStatus(t('photoFailed', { reason: String(err) })),
                )
                .finally(() => setBusy(false))
            }}
          >
            {t('removePhoto')}
          </button>
        ) : null}
        <input
          ref={input}
          type="file"
          accept={PIPELINE_IMAGE_TYPES.join(',')}
          tabIndex={-1}
          aria-hidden="true"
          data-testid={chatId ? 'group-photo-input' : 'profile-photo-input'}
          className="visually-hidden"
          onChange={(e) => {
            pick(e.target.files?.[0])
            e.target.value = ''
          }}
        />
      </div>
      {url ? (
        <>
          <h4>{t('cropTitle')}</h4>
          <Cropper url={url} onChange={(s) => (crop.current = s)} />
          <div className="row">
            <button type="button" className="primary" onClick={() => void save()} disabled={busy}>
              {t('savePhoto')}
            </button>
            <button
              type="button"
              onClick={() => {
                setFile(null)
                setUrl(null)
              }}
              disabled={busy}
            >
              {t('cancel')}
            </button>
          </div>
        </>
      ) : null}
      <p role="status" className="muted">
        {status}
      </p>
    </section>
  )
}
