import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { AuthScreen } from './features/auth/auth-screen'
import { Shell } from './features/layout/shell'
import { useI18n } from './lib/i18n'
import { session } from './lib/trpc'
import { useCurrentUser, useSessionStatus } from './lib/use-session'

const START_RETRY_MS = 3000

export const App = () => {
  const { t } = useI18n()
  const status = useSessionStatus()
  const user = useCurrentUser()
  const qc = useQueryClient()
  const [offline, setOffline] = useState(false)

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const start = () => {
      session.start().then(
        () => setOffline(false),
        () => {
          // The server could not be reached: keep the stored session and try again.
          setOffline(true)
          timer = setTimeout(start, START_RETRY_MS)
        },
      )
    }
    start()
    return () => clearTimeout(timer)
  }, [])

  // Nothing of one account may leak into the next one signed in on this tab.
  useEffect(() => {
    if (status === 'signedOut') qc.clear()
  }, [status, qc])

  if (status === 'unknown' || (status === 'signedIn' && !user)) {
    return (
      <main className="splash" aria-busy="true">
        <p>{offline ? t('errNetwork') : t('loading')}</p>
      </main>
    )
  }
  if (status === 'signedOut' || !user) return <AuthScreen />
  return <Shell me={user} />
}
