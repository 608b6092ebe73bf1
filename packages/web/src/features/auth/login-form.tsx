import { isTotpChallenge } from '@messenger/shared'
import { useState, type SyntheticEvent } from 'react'
import { sha256Hex } from '../../lib/hash'
import { useI18n, type MessageKey } from '../../lib/i18n'
import { errorCode, errorMessage, session, trpc } from '../../lib/trpc'
import { authError } from './auth-errors'
import { Field } from './field'

/** The second step for an account with two-factor login on: a code, or a recovery code. */
const TotpStep = ({ challenge, onBack }: { challenge: string; onBack: () => void }) => {
  const { t } = useI18n()
  const [recovery, setRecovery] = useState(false)
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<MessageKey | null>(null)

  const submit = async (e: SyntheticEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      session.signIn(
        await trpc.auth.loginTotp.mutate(
          recovery ? { challenge, recoveryCode: code } : { challenge, code },
        ),
      )
    } catch (err) {
      const expired = errorCode(err) === 'UNAUTHORIZED' && /^challenge/.test(errorMessage(err))
      const known = errorCode(err) === 'UNAUTHORIZED' || errorCode(err) === 'BAD_REQUEST'
      setError(
        expired
          ? 'errChallengeExpired'
          : known
            ? 'errWrongCode'
            : errorCode(err) === 'TOO_MANY_REQUESTS'
              ? 'errTooMany'
              : 'errNetwork',
      )
      setBusy(false)
    }
  }

  return (
    <form className="auth-form" onSubmit={(e) => void submit(e)} aria-labelledby="auth-title">
      <h1 id="auth-title">{t('totpTitle')}</h1>
      <p className="muted">{recovery ? t('recoveryPrompt') : t('totpPrompt')}</p>
      <Field
        key={recovery ? 'recovery' : 'code'}
        label={recovery ? t('recoveryCode') : t('totpCode')}
        name={recovery ? 'recoveryCode' : 'code'}
        autoComplete="one-time-code"
        inputMode={recovery ? 'text' : 'numeric'}
        required
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
      {error ? (
        <p className="form-error" role="alert">
          {t(error)}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('signingIn') : t('verify')}
      </button>
      <p className="auth-switch">
        <button
          type="button"
          className="link"
          onClick={() => {
            setRecovery(!recovery)
            setCode('')
            setError(null)
          }}
        >
          {recovery ? t('useAppCode') : t('useRecoveryCode')}
        </button>
      </p>
      <p className="auth-switch">
        <button type="button" className="link" onClick={onBack}>
          {t('backToSignIn')}
        </button>
      </p>
    </form>
  )
}

export const LoginForm = ({ onSwitch }: { onSwitch: () => void }) => {
  const { t } = useI18n()
  const [login, setLogin] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [challenge, setChallenge] = useState<string | null>(null)

  const submit = async (e: SyntheticEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const answer = await trpc.auth.login.mutate({
        login: login.trim(),
        passwordHash: await sha256Hex(password),
      })
      if (isTotpChallenge(answer)) {
        setChallenge(answer.challenge)
        setBusy(false)
      } else session.signIn(answer)
    } catch (err) {
      const { fields, form } = authError(err)
      const shown = form ?? Object.values(fields)[0]
      setError(shown ? t(shown.key, shown.vars) : null)
      setBusy(false)
    }
  }

  if (challenge !== null) {
    return (
      <TotpStep
        challenge={challenge}
        onBack={() => {
          setChallenge(null)
          setPassword('')
        }}
      />
    )
  }

  return (
    <form className="auth-form" onSubmit={(e) => void submit(e)} aria-labelledby="auth-title">
      <h1 id="auth-title">{t('signIn')}</h1>
      <Field
        label={t('loginOrEmail')}
        name="login"
        autoComplete="username"
        required
        value={login}
        onChange={(e) => setLogin(e.target.value)}
      />
      <Field
        label={t('password')}
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('signingIn') : t('signIn')}
      </button>
      <p className="auth-switch">
        {t('noAccount')}{' '}
        <button type="button" className="link" onClick={onSwitch}>
          {t('signUp')}
        </button>
      </p>
    </form>
  )
}
