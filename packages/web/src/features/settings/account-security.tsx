import { MIN_PASSWORD_LENGTH } from '@messenger/shared'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { toString as qrSvg } from 'qrcode'
import { useEffect, useState, type SyntheticEvent } from 'react'
import { errorText } from '../../lib/errors'
import { sha256Hex } from '../../lib/hash'
import { useI18n, type MessageKey } from '../../lib/i18n'
import { keys } from '../../lib/query-keys'
import { navigate } from '../../lib/router'
import { errorCode, errorMessage, session, trpc } from '../../lib/trpc'
import { Field } from '../auth/field'
import './account.css'

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string

/** A wrong password or code gets its own sentence; anything else the usual one. */
const secretError = (t: Translate, error: unknown) => {
  const message = errorMessage(error)
  if (errorCode(error) === 'FORBIDDEN' || errorCode(error) === 'BAD_REQUEST') {
    if (/^(currentPasswordHash|passwordHash)/.test(message)) return t('errWrongPassword')
    if (/^(code|recoveryCode)/.test(message)) return t('errWrongCode')
  }
  return errorText(t, error)
}

export const ChangePassword = () => {
  const { t } = useI18n()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [again, setAgain] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const qc = useQueryClient()
  const change = useMutation({
    mutationFn: async () =>
      trpc.auth.changePassword.mutate({
        currentPasswordHash: await sha256Hex(current),
        newPasswordHash: await sha256Hex(next),
      }),
    onSuccess: () => {
      setCurrent('')
      setNext('')
      setAgain('')
      void qc.invalidateQueries({ queryKey: keys.sessions })
    },
  })
  const submit = (e: SyntheticEvent) => {
    e.preventDefault()
    if (next.length < MIN_PASSWORD_LENGTH) return setProblem(t('errPasswordShort'))
    if (next !== again) return setProblem(t('errPasswordMismatch'))
    setProblem(null)
    change.mutate()
  }
  return (
    <section aria-labelledby="password-h">
      <h3 id="password-h">{t('changePassword')}</h3>
      <form onSubmit={submit} className="stack">
        <Field
          label={t('currentPassword')}
          type="password"
          name="current-password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <div className="field-row">
          <Field
            label={t('newPassword')}
            type="password"
            name="new-password"
            autoComplete="new-password"
            required
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
          <Field
            label={t('newPasswordAgain')}
            type="password"
            name="new-password-again"
            autoComplete="new-password"
            required
            value={again}
            onChange={(e) => setAgain(e.target.value)}
          />
        </div>
        <div className="row">
          <button type="submit" disabled={change.isPending}>
            {t('changePassword')}
          </button>
          <span role="status" className="muted">
            {change.isSuccess ? t('passwordChanged') : ''}
          </span>
        </div>
        {problem || change.error ? (
          <p className="form-error" role="alert">
            {problem ?? secretError(t, change.error)}
          </p>
        ) : null}
      </form>
    </section>
  )
}

/** The QR code of the otpauth:// URI, drawn here as SVG: the secret never leaves the browser. */
const QrCode = ({ uri, alt }: { uri: string; alt: string }) => {
  const [src, setSrc] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    void qrSvg(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then((svg) => {
      if (live) setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`)
    })
    return () => {
      live = false
    }
  }, [uri])
  return src ? <img className="qr" src={src} alt={alt} width={200} height={200} /> : null
}

const CodeField = ({
  recovery,
  value,
  onChange,
}: {
  recovery: boolean
  value: string
  onChange: (v: string) => void
}) => {
  const { t } = useI18n()
  return (
    <Field
      label={recovery ? t('recoveryCode') : t('totpCode')}
      name={recovery ? 'recoveryCode' : 'code'}
      autoComplete="one-time-code"
      inputMode={recovery ? 'text' : 'numeric'}
      required
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  )
}

export const TwoFactor = () => {
  const { t } = useI18n()
  const qc = useQueryClient()
  const statusKey = ['totpStatus'] as const
  const status = useQuery({ queryKey: statusKey, queryFn: () => trpc.auth.totpStatus.query() })
  const [code, setCode] = useState('')
  const [recovery, setRecovery] = useState(false)
  const [codes, setCodes] = useState<string[] | null>(null)
  const refresh = () => qc.invalidateQueries({ queryKey: statusKey })
  const setup = useMutation({ mutationFn: () => trpc.auth.totpSetup.mutate() })
  const enable = useMutation({
    mutationFn: () => trpc.auth.totpEnable.mutate({ code }),
    onSuccess: (r) => {
      setCodes(r.recoveryCodes)
      setCode('')
      setup.reset()
      void refresh()
    },
  })
  const disable = useMutation({
    mutationFn: () => trpc.auth.totpDisable.mutate(recovery ? { recoveryCode: code } : { code }),
    onSuccess: () => {
      setCode('')
      void refresh()
    },
  })
  const error = setup.error ?? enable.error ?? disable.error

  let body
  if (codes) {
    body = (
      <>
        <h4>{t('recoveryCodesTitle')}</h4>
        <p className="muted">{t('recoveryCodesHint')}</p>
        <ul className="recovery-codes" aria-label={t('recoveryCodesTitle')}>
          {codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <button type="button" onClick={() => setCodes(null)}>
          {t('savedThem')}
        </button>
      </>
    )
  } else if (setup.data) {
    body = (
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault()
          enable.mutate()
        }}
      >
        <p className="muted">{t('scanQr')}</p>
        <QrCode uri={setup.data.uri} alt={t('qrAlt')} />
        <p>
          {t('secretKey')}: <code className="secret">{setup.data.secret}</code>
        </p>
        <CodeField recovery={false} value={code} onChange={setCode} />
        <div className="row">
          <button type="submit" className="primary" disabled={enable.isPending}>
            {t('confirm')}
          </button>
          <button type="button" onClick={() => setup.reset()}>
            {t('cancel')}
          </button>
        </div>
      </form>
    )
  } else if (status.data?.enabled) {
    body = (
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault()
          disable.mutate()
        }}
      >
        <p role="status">{t('twoFactorOn', { count: status.data.recoveryCodesLeft })}</p>
        <p className="muted">{t('turnOffHint')}</p>
        <CodeField recovery={recovery} value={code} onChange={setCode} />
        <div className="row">
          <button type="submit" className="danger" disabled={disable.isPending}>
            {t('turnOff')}
          </button>
          <button
            type="button"
            className="link"
            onClick={() => {
              setRecovery(!recovery)
              setCode('')
            }}
          >
            {recovery ? t('useAppCode') : t('useRecoveryCode')}
          </button>
        </div>
      </form>
    )
  } else if (status.data) {
    body = (
      <>
        <p role="status">{t('twoFactorOff')}</p>
        <button type="button" onClick={() => setup.mutate()} disabled={setup.isPending}>
          {t('turnOn')}
        </button>
      </>
    )
  } else {
    body = <p className="muted">{t('loading')}</p>
  }
  return (
    <section aria-labelledby="totp-h">
      <h3 id="totp-h">{t('totpTitle')}</h3>
      {body}
      {error ? (
        <p className="form-error" role="alert">
          {secretError(t, error)}
        </p>
      ) : null}
    </section>
  )
}

export const DeleteAccount = () => {
  const { t } = useI18n()
  const [open, setOpen] = useState(false)
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [recovery, setRecovery] = useState(false)
  const status = useQuery({
    queryKey: ['totpStatus'],
    queryFn: () => trpc.auth.totpStatus.query(),
    enabled: open,
  })
  const needsCode = status.data?.enabled === true
  const remove = useMutation({
    mutationFn: async () =>
      trpc.users.deleteAccount.mutate({
        passwordHash: await sha256Hex(password),
        ...(needsCode ? (recovery ? { recoveryCode: code } : { code }) : {}),
      }),
    onSuccess: () => {
      // The server ended every session, this one too.
      session.logoutLocally()
      navigate('/', { replace: true })
    },
  })
  return (
    <section aria-labelledby="delete-h">
      <h3 id="delete-h">{t('deleteAccount')}</h3>
      <p className="muted">{t('deleteAccountHint')}</p>
      {open ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault()
            if (window.confirm(t('confirmDeleteAccount'))) remove.mutate()
          }}
        >
          <Field
            label={t('password')}
            type="password"
            name="delete-password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {needsCode ? (
            <>
              <CodeField recovery={recovery} value={code} onChange={setCode} />
              <button
                type="button"
                className="link"
                onClick={() => {
                  setRecovery(!recovery)
                  setCode('')
                }}
              >
                {recovery ? t('useAppCode') : t('useRecoveryCode')}
              </button>
            </>
          ) : null}
          <div className="row">
            <button
              type="submit"
              className="danger"
              disabled={remove.isPending || status.isPending}
            >
              {t('deleteAccountConfirm')}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('cancel')}
            </button>
          </div>
          {remove.error ? (
            <p className="form-error" role="alert">
              {secretError(t, remove.error)}
            </p>
          ) : null}
        </form>
      ) : (
        <button type="button" className="danger" onClick={() => setOpen(true)}>
          {t('deleteAccount')}
        </button>
      )}
    </section>
  )
}
