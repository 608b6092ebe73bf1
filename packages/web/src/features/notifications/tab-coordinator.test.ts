import { afterEach, describe, expect, it, vi } from 'vitest'
import { startTabCoordinator, type TabCoordinator } from './tab-coordinator'

describe('startTabCoordinator: is another tab on screen?', () => {
  const open: TabCoordinator[] = []
  const tab = (visible: () => boolean) => {
    const c = startTabCoordinator(visible)
    open.push(c)
    return c
  }
  afterEach(() => {
    for (const c of open.splice(0)) c.close()
  })

  it('hears a visible tab answer', async () => {
    const hidden = tab(() => false)
    tab(() => true)
    await expect(hidden.anotherTabVisible()).resolves.toBe(true)
  })

  it('gives up on silence when every other tab is hidden', async () => {
    const hidden = tab(() => false)
    tab(() => false)
    const started = Date.now()
    await expect(hidden.anotherTabVisible()).resolves.toBe(false)
    expect(Date.now() - started).toBeGreaterThanOrEqual(200)
  })

  it('follows a tab that comes on screen later', async () => {
    let visible = false
    const hidden = tab(() => false)
    tab(() => visible)
    await expect(hidden.anotherTabVisible()).resolves.toBe(false)
    visible = true
    await expect(hidden.anotherTabVisible()).resolves.toBe(true)
  })

  it('does not count itself', async () => {
    const alone = tab(() => true)
    await expect(alone.anotherTabVisible()).resolves.toBe(false)
  })
})

/** An in-memory Web Lock: one holder at a time, the next waiting request granted on release. */
const fakeLocks = () => {
  const waiting: (() => void)[] = []
  let held = false
  const request = (
    _name: string,
    options: { signal?: AbortSignal },
    callback: () => Promise<void>,
  ): Promise<void> =>
    new Promise((resolve, reject) => {
      const grant = () => {
        held = true
        void callback().then(() => {
          held = false
          waiting.shift()?.()
          resolve()
        })
      }
      options.signal?.addEventListener('abort', () => {
        const i = waiting.indexOf(grant)
        if (i !== -1) waiting.splice(i, 1)
        reject(new DOMException('aborted', 'AbortError'))
      })
      if (held) waiting.push(grant)
      else grant()
    })
  return { request }
}

describe('startTabCoordinator: which tab notifies', () => {
  afterEach(() => {
    Reflect.deleteProperty(navigator, 'locks')
  })

  it('one tab at a time; the next one takes over when it closes', async () => {
    Object.defineProperty(navigator, 'locks', { configurable: true, value: fakeLocks() })
    const first = startTabCoordinator(() => false)
    const second = startTabCoordinator(() => false)
    const third = startTabCoordinator(() => false)
    await vi.waitFor(() => expect(first.isLeader()).toBe(true))
    expect(second.isLeader()).toBe(false)
    expect(third.isLeader()).toBe(false)

    first.close()
    expect(first.isLeader()).toBe(false)
    await vi.waitFor(() => expect(second.isLeader()).toBe(true))
    expect(third.isLeader()).toBe(false)

    // A waiting tab that closes gives up its place in the queue.
    third.close()
    second.close()
    await new Promise((r) => setTimeout(r, 10))
    expect(third.isLeader()).toBe(false)
  })
})
