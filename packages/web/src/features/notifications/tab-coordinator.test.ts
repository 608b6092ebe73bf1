import { afterEach, describe, expect, it } from 'vitest'
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
