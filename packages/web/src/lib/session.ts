import type { AuthResult, User } from '@messenger/shared'

export const REFRESH_TOKEN_KEY = 'messenger.refreshToken'
const LOCK_NAME = 'messenger.refresh'
/** Refresh this long before the access token expires, so a request never carries a stale one. */
const REFRESH_MARGIN_MS = 60_000

export type SessionStatus = 'unknown' | 'signedIn' | 'signedOut'

export interface LockManagerLike {
  request: <T>(name: string, callback: () => Promise<T>) => Promise<T>
}

export interface SessionDeps {
  /** Calls `auth.refresh` without an access token. */
  refresh: (refreshToken: string) => Promise<AuthResult>
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>
  /** `navigator.locks`; without it (very old browsers) refreshes are only serialized in this tab. */
  locks: LockManagerLike | undefined
  now?: () => number
  setTimer?: (fn: () => void, ms: number) => () => void
}

/** True when the server said the refresh token is no good (as opposed to a network failure). */
export const isAuthError = (error: unknown) => {
  const data = (error as { data?: { code?: string } } | null)?.data
  return data?.code === 'UNAUTHORIZED' || data?.code === 'BAD_REQUEST'
}

/**
 * Holds the access token in memory and the single-use refresh token in localStorage.
 * Refreshes run under a Web Lock shared by all tabs and re-read the stored token inside it, so
 * two tabs never present the same refresh token: the second one uses the token the first stored.
 */
export class Session {
  status: SessionStatus = 'unknown'
  user: User | null = null
  private access: { token: string; expiresAt: number } | null = null
  private inflight: Promise<string | null> | null = null
  private cancelTimer: (() => void) | null = null
  private readonly listeners = new Set<() => void>()
  private readonly now: () => number
  private readonly setTimer: (fn: () => void, ms: number) => () => void

  constructor(private readonly deps: SessionDeps) {
    this.now = deps.now ?? Date.now
    this.setTimer =
      deps.setTimer ??
      ((fn, ms) => {
        const id = setTimeout(fn, ms)
        return () => clearTimeout(id)
      })
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private emit() {
    for (const l of this.listeners) l()
  }

  /** On page load: a stored refresh token means we try to resume the session. */
  async start(): Promise<void> {
    if (this.deps.storage.getItem(REFRESH_TOKEN_KEY) === null) {
      this.setSignedOut()
      return
    }
    await this.refreshNow()
  }

  signIn(result: AuthResult) {
    this.deps.storage.setItem(REFRESH_TOKEN_KEY, result.refreshToken)
    this.access = { token: result.accessToken, expiresAt: Date.parse(result.accessTokenExpiresAt) }
    this.user = result.user
    this.status = 'signedIn'
    this.schedule()
    this.emit()
  }

  setUser(user: User) {
    this.user = user
    this.emit()
  }

  /** Forgets the session in this tab (after logout, or when the server ended it). */
  setSignedOut() {
    this.cancelTimer?.()
    this.cancelTimer = null
    this.access = null
    this.user = null
    this.status = 'signedOut'
    this.emit()
  }

  /**
   * Another tab logged out (its storage event removes the refresh token) or signed in (this tab
   * joins that session).
   */
  onStorageChange(key: string | null, newValue: string | null) {
    if (key !== REFRESH_TOKEN_KEY && key !== null) return
    if (newValue === null) {
      if (this.status === 'signedIn') this.setSignedOut()
    } else if (this.status === 'signedOut') {
      this.refreshNow().catch(() => undefined)
    }
  }

  logoutLocally() {
    this.deps.storage.removeItem(REFRESH_TOKEN_KEY)
    this.setSignedOut()
  }

  /** A valid access token, refreshing first when it is about to expire; null when signed out. */
  async getAccessToken(): Promise<string | null> {
    if (this.access && this.access.expiresAt - this.now() > REFRESH_MARGIN_MS) {
      return this.access.token
    }
    if (this.inflight) return this.inflight
    if (this.status === 'signedOut') return null
    return this.refreshNow()
  }

  /** One refresh at a time in this tab; callers during a refresh share its result. */
  refreshNow(): Promise<string | null> {
    this.inflight ??= this.refreshUnderLock().finally(() => {
      this.inflight = null
    })
    return this.inflight
  }

  private async refreshUnderLock(): Promise<string | null> {
    const run = async (): Promise<string | null> => {
      // Re-read inside the lock: another tab may have rotated the token while we waited.
      const refreshToken = this.deps.storage.getItem(REFRESH_TOKEN_KEY)
      if (refreshToken === null) {
        this.setSignedOut()
        return null
      }
      try {
        const result = await this.deps.refresh(refreshToken)
        this.signIn(result)
        return result.accessToken
      } catch (error) {
        if (!isAuthError(error)) throw error
        if (this.deps.storage.getItem(REFRESH_TOKEN_KEY) === refreshToken) {
          this.deps.storage.removeItem(REFRESH_TOKEN_KEY)
        }
        this.setSignedOut()
        return null
      }
    }
    return this.deps.locks ? this.deps.locks.request(LOCK_NAME, run) : run()
  }

  private schedule() {
    this.cancelTimer?.()
    if (!this.access) return
    const delay = Math.max(0, this.access.expiresAt - this.now() - REFRESH_MARGIN_MS)
    this.cancelTimer = this.setTimer(() => {
      // A failed background refresh is retried by the next request that needs a token.
      this.refreshNow().catch(() => undefined)
    }, delay)
  }
}
