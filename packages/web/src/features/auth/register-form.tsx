import { isTotpChallenge, loginName, MIN_PASSWORD_LENGTH } from '@messenger/shared'
import { useState, type SyntheticEvent } from 'react'
import { sha256Hex } from '../../lib/hash'
import type { Readable } from '../../lib/errors'
import { useI18n } from '../../lib/i18n'
import { session, trpc } from '../../lib/trpc'
import { authError } from './auth-errors'
import { Field } from './field'

type FieldName = 'login' | 'email' | 'firstName' | 'lastName' | 'password' | 'password2'
const SERVER_FIELDS = ['login', 'email', 'firstName', 'lastName', 'passwordHash'] as const

export const RegisterForm = ({ onSwitch }: { onSwitch: () => void }) => {
  const { t } = useI18n()
  const [values, setValues] = useState<Record<FieldName, string>>({
    login: '',
    email: '',
    firstName: '',
    lastName: '',
    password: '',
    password2: '',
  })
  const [errors, setErrors] = useState<Partial<Record<FieldName, Readable>>>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const set = (name: FieldName) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [name]: e.target.value }))
    // An error is about what was typed before; editing the field answers it.
    setErrors((errs) => ({ ...errs, [name]: undefined }))
  }

  const validate = () => {
    const found: Partial<Record<FieldName, Readable>> = {}
    if (!loginName.safeParse(values.login.trim()).success) found.login = { key: 'errLoginFormat' }
    if (values.password.length < MIN_PASSWORD_LENGTH) found.password = { key: 'errPasswordShort' }
    else if (values.password !== values.password2) {
      found.password2 = { key: 'errPasswordMismatch' }
    }
    return found
  }

  const submit = async (e: SyntheticEvent) => {
    e.preventDefault()
    const found = validate()
    setErrors(found)
    setFormError(null)
    if (Object.keys(found).length > 0) return
    setBusy(true)
    try {
      const passwordHash = await sha256Hex(values.password)
      const login = values.login.trim()
      await trpc.auth.register.mutate({
        login,
        passwordHash,
        email: values.email.trim(),
        firstName: values.firstName.trim(),
        lastName: values.lastName.trim(),
      })
      const answer = await trpc.auth.login.mutate({ login, passwordHash })
      // A new account has no two-factor login yet.
      if (!isTotpChallenge(answer)) session.signIn(answer)
    } catch (err) {
      const { fields, form } = authError(err, SERVER_FIELDS)
      // The server checks passwordHash; the person typed a password.
      const { passwordHash, ...rest } = fields
      setErrors({ ...rest, ...(passwordHash ? { password: passwordHash } : {}) })
      setFormError(form ? t(form.key, form.vars) : null)
      setBusy(false)
    }
  }

  const err = (name: FieldName) => {
    const e = errors[name]
    return e ? t(e.key, e.vars) : null
  }

  return (
    <form
      className="auth-form"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="auth-title"
      noValidate
    >
      <h1 id="auth-title">{t('signUp')}</h1>
      <Field
        label={t('login')}
        name="login"
        autoComplete="username"
        required
        value={values.login}
        onChange={set('login')}
        error={err('login')}
      />
      <Field
        label={t('email')}
        name="email"
        type="email"
        autoComplete="email"
        required
        value={values.email}
        onChange={set('email')}
        error={err('email')}
      />
      <div className="field-row">
        <Field
          label={t('firstName')}
          name="firstName"
          autoComplete="given-name"
          required
          value={values.firstName}
          onChange={set('firstName')}
          error={err('firstName')}
        />
        <Field
          label={t('lastName')}
          name="lastName"
          autoComplete="family-name"
          required
          value={values.lastName}
          onChange={set('lastName')}
          error={err('lastName')}
        />
      </div>
      <Field
        label={t('password')}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        value={values.password}
        onChange={set('password')}
        error={err('password')}
      />
      <Field
        label={t('passwordAgain')}
        name="password2"
        type="password"
        autoComplete="new-password"
        required
        value={values.password2}
        onChange={set('password2')}
        error={err('password2')}
      />
      {formError ? (
        <p className="form-error" role="alert">
          {formError}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('signingUp') : t('signUp')}
      </button>
      <p className="auth-switch">
        {t('haveAccount')}{' '}
        <button type="button" className="link" onClick={onSwitch}>
          {t('signIn')}
        </button>
      </p>
    </form>
  )
}
