import type { AuthResult } from '@messenger/shared'
import { describe, expect, it } from 'vitest'
import { REFRESH_TOKEN_KEY, Session, type LockManagerLike, type SessionDeps } from './session'

/** localStorage shared by "tabs" of one browser. */
const memoryStorage = () => {
  const map = new Map<string, string>()
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  }
}

/** Exclusive named locks with the Web Locks semantics the session relies on (FIFO, async). */
const memoryLocks = (): LockManagerLike => {
  const tails = new Map<string, Promise<unknown>>()
  return {
    request: <T>(name: string, cb: () => Promise<T>) => {
      const prev = tails.get(name) ?? Promise.resolve()
      const run = prev.then(cb, cb)
      tails.set(
        name,
        run.catch(() => undefined),
      )
      return run
    },
  }
}

/**
 * A server that behaves like auth.refresh: every refresh token works once; a reused one is
 * UNAUTHORIZED and ends the session.
 */
const singleUseServer = (now: () => number) => {
  let counter = 0
  const valid = new Set<string>(['rt-0'])
  const presented: string[] = []
  let ended = false
  const refresh = async (token: string): Promise<AuthResult> => {
    presented.push(token)
    await new Promise((r) => setTimeout(r, 5))
    if (ended || !valid.has(token)) {
      ended = true
      throw Object.assign(new Error('reused'), { data: { code: 'UNAUTHORIZED' } })
    }
    valid.delete(token)
    counter++
    const next = `rt-${counter}`
    valid.add(next)
    return {
      accessToken: `at-${counter}`,
      refreshToken: next,
      accessTokenExpiresAt: new Date(now() + 15 * 60_000).toISOString(),
      refreshTokenExpiresAt: new Date(now() + 30 * 86_400_000).toISOString(),
      user: {
        id: '00000000-0000-7000-8000-000000000001',
        login: 'ann',
        email: 'ann@example.com',
        firstName: 'Ann',
        lastName: 'Lee',
        createdAt: new Date(0).toISOString(),
      },
    }
  }
  return { refresh, presented, isEnded: () => ended }
}

const noTimers: SessionDeps['setTimer'] = () => () => undefined

/** A session against the fake server, with in-memory locks and no timers. */
const sessionFor = (server: { refresh: SessionDeps['refresh'] }, storage: SessionDeps['storage']) =>
  new Session({ refresh: server.refresh, storage, locks: memoryLocks(), setTimer: noTimers })

describe('Session', () => {
  it('resumes from a stored refresh token and rotates it', async () => {
    const storage = memoryStorage()
    storage.setItem(REFRESH_TOKEN_KEY, 'rt-0')
    const server = singleUseServer(Date.now)
    const s = sessionFor(server, storage)
    await s.start()
    expect(s.status).toBe('signedIn')
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('rt-1')
    await expect(s.getAccessToken()).resolves.toBe('at-1')
    expect(server.presented).toEqual(['rt-0'])
  })

  it('starts signed out without a stored token, without calling the server', async () => {
    const server = singleUseServer(Date.now)
    const s = new Session({
      refresh: server.refresh,
      storage: memoryStorage(),
      locks: memoryLocks(),
      setTimer: noTimers,
    })
    await s.start()
    expect(s.status).toBe('signedOut')
    await expect(s.getAccessToken()).resolves.toBeNull()
    expect(server.presented).toEqual([])
  })

  it('refreshes shortly before the access token expires, once for concurrent callers', async () => {
    let clock = Date.now()
    const storage = memoryStorage()
    storage.setItem(REFRESH_TOKEN_KEY, 'rt-0')
    const server = singleUseServer(() => clock)
    const s = new Session({
      refresh: server.refresh,
      storage,
      locks: memoryLocks(),
      now: () => clock,
      setTimer: noTimers,
    })
    await s.start()
    clock += 14.5 * 60_000 // 30 s left: inside the safety margin
    const tokens = await Promise.all([s.getAccessToken(), s.getAccessToken(), s.getAccessToken()])
    expect(tokens).toEqual(['at-2', 'at-2', 'at-2'])
    expect(server.presented).toEqual(['rt-0', 'rt-1'])
  })

  it('two tabs refreshing at once never present the same refresh token', async () => {
    const storage = memoryStorage()
    storage.setItem(REFRESH_TOKEN_KEY, 'rt-0')
    const locks = memoryLocks()
    const server = singleUseServer(Date.now)
    const tabA = new Session({ refresh: server.refresh, storage, locks, setTimer: noTimers })
    const tabB = new Session({ refresh: server.refresh, storage, locks, setTimer: noTimers })
    await Promise.all([tabA.start(), tabB.start()])
    // Both read 'rt-0' before locking; inside the lock B re-read the token A had stored.
    expect(server.presented).toEqual(['rt-0', 'rt-1'])
    expect(new Set(server.presented).size).toBe(server.presented.length)
    expect(server.isEnded()).toBe(false)
    expect(tabA.status).toBe('signedIn')
    expect(tabB.status).toBe('signedIn')
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('rt-2')
  })

  it('without the lock the same race would reuse a token and end the session', async () => {
    // The control for the test above: it shows the lock is what prevents the reuse.
    const storage = memoryStorage()
    storage.setItem(REFRESH_TOKEN_KEY, 'rt-0')
    const server = singleUseServer(Date.now)
    const tabA = new Session({
      refresh: server.refresh,
      storage,
      locks: undefined,
      setTimer: noTimers,
    })
    const tabB = new Session({
      refresh: server.refresh,
      storage,
      locks: undefined,
      setTimer: noTimers,
    })
    await Promise.all([tabA.start(), tabB.start()])
    expect(server.presented).toEqual(['rt-0', 'rt-0'])
    expect(server.isEnded()).toBe(true)
  })

  it('a rejected refresh token signs out and forgets it; a network error keeps it', async () => {
    const storage = memoryStorage()
    storage.setItem(REFRESH_TOKEN_KEY, 'stale')
    const server = singleUseServer(Date.now)
    const s = sessionFor(server, storage)
    await s.start()
    expect(s.status).toBe('signedOut')
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBeNull()

    storage.setItem(REFRESH_TOKEN_KEY, 'rt-0')
    const offline = new Session({
      refresh: () => Promise.reject(new TypeError('Failed to fetch')),
      storage,
      locks: memoryLocks(),
      setTimer: noTimers,
    })
    await expect(offline.start()).rejects.toThrow('Failed to fetch')
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('rt-0')
    expect(offline.status).toBe('unknown')
  })

  it('schedules the next refresh a minute before expiry', async () => {
    const storage = memoryStorage()
    storage.setItem(REFRESH_TOKEN_KEY, 'rt-0')
    const clock = Date.now()
    const server = singleUseServer(() => clock)
    const delays: number[] = []
    const s = new Session({
      refresh: server.refresh,
      storage,
      locks: memoryLocks(),
      now: () => clock,
      setTimer: (_fn, ms) => {
        delays.push(ms)
        return () => undefined
      },
    })
    await s.start()
    expect(delays).toEqual([14 * 60_000])
  })

  it('follows a logout in another tab', async () => {
    const storage = memoryStorage()
    storage.setItem(REFRESH_TOKEN_KEY, 'rt-0')
    const server = singleUseServer(Date.now)
    const s = sessionFor(server, storage)
    await s.start()
    s.onStorageChange(REFRESH_TOKEN_KEY, null)
    expect(s.status).toBe('signedOut')
    await expect(s.getAccessToken()).resolves.toBeNull()
  })
  it('joins a session another tab signed in to', async () => {
    const storage = memoryStorage()
    const server = singleUseServer(Date.now)
    const s = sessionFor(server, storage)
    await s.start()
    expect(s.status).toBe('signedOut')
    storage.setItem(REFRESH_TOKEN_KEY, 'rt-0')
    s.onStorageChange(REFRESH_TOKEN_KEY, 'rt-0')
    await expect(s.getAccessToken()).resolves.toBe('at-1')
    expect(s.status).toBe('signedIn')
  })
})
