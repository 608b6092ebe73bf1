import { useState } from 'react'
import { useI18n } from '../../lib/i18n'
import { LanguageSelect } from '../settings/language-select'
import { LoginForm } from './login-form'
import { RegisterForm } from './register-form'

export const AuthScreen = () => {
  const { t } = useI18n()
  const [mode, setMode] = useState<'login' | 'register'>('login')
  return (
    <main className="auth-screen">
      <div className="auth-card">
        <div className="auth-top">
          <span className="brand">{t('appName')}</span>
          <LanguageSelect />
        </div>
        {mode === 'login' ? (
          <LoginForm onSwitch={() => setMode('register')} />
        ) : (
          <RegisterForm onSwitch={() => setMode('login')} />
        )}
      </div>
    </main>
  )
}
