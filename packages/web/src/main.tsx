import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app'
import { startTheme } from './features/settings/theme'
import { I18nProvider } from './lib/i18n'
import { errorCode, session } from './lib/trpc'
import './styles.css'

/**
 * An access token the server no longer accepts (session ended on another device, server secret
 * changed): refresh once; if the refresh token is refused too, the session signs out.
 */
const onAuthError = (error: unknown) => {
  if (errorCode(error) === 'UNAUTHORIZED') session.refreshNow().catch(() => undefined)
}

startTheme()

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onAuthError }),
  mutationCache: new MutationCache({ onError: onAuthError }),
  defaultOptions: {
    // Live events keep the cache fresh; refetching on every focus would only add load.
    queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 1 },
  },
})

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </I18nProvider>
  </StrictMode>,
)
