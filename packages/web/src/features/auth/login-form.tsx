import { useState, type SyntheticEvent } from 'react'
import { sha256Hex } from '../../lib/hash'
import { useI18n } from '../../lib/i18n'
import { session, trpc } from '../../lib/trpc'
import { authError } from './auth-errors'
import { Field } from './field'

export const LoginForm = ({ onSwitch }: { onSwitch: () => void }) => {
  const { t } = useI18n()
  const [login, setLogin] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const submit = async (e: SyntheticEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const result = await trpc.auth.login.mutate({
        login: login.trim(),
        passwordHash: await sha256Hex(password),
      })
      session.signIn(result)
    } catch (err) {
      const { fields, form } = authError(err)
      const shown = form ?? Object.values(fields)[0]
      setError(shown ? t(shown.key, shown.vars) : null)
      setBusy(false)
    }
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
