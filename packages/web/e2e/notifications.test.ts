// @vitest-environment node
import { createHash, randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { AuthResult, Chat } from '@messenger/shared'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { translate, type MessageKey } from '../src/lib/i18n'
import { callApi, launchChromium, SCREENSHOTS, startServer, type RunningServer } from './harness'
import { axeFindings, smallTargets } from './page-checks'

/**
 * Notifications of a hidden tab, the favicon badge and the dark theme, in Chromium with the
 * notification permission granted. Headless Chromium shows every page, so an init script lets the
 * test hide a tab: `document.visibilityState` answers "hidden" and a real `visibilitychange` event
 * is dispatched, which is all the app reads. It also records every `new Notification(…)` (the real
 * one is still constructed), the permission asks, `window.focus()` and the chime's oscillators.
 */

const PASSWORD_HASH = createHash('sha256').update('correct horse battery').digest('hex')
const t = (key: MessageKey, vars?: Record<string, string | number>) => translate('en', key, vars)
const suffix = Date.now().toString(36).slice(-5)

interface Account {
  id: string
  token: string
  login: string
  refreshToken: string
}

interface Shown {
  title: string
  body: string
  tag: string
}

/** What the init script adds to `window`. */
interface Probe {
  __setHidden: (hidden: boolean) => void
  __notifications: Shown[]
  __notificationObjects: Notification[]
  __permissionAsks: number
  __focused: number
  __oscillators: number
  __themeAtBody: string | undefined
}

let server: RunningServer | undefined
let browser: Browser | undefined
let context: BrowserContext | undefined
let ann: Account
let bob: Account
let carol: Account
let direct: Chat
let group: Chat
let quiet: Chat
const tabs: Page[] = []

const api = <T>(procedure: string, input: unknown, who?: Account, kind?: 'query' | 'mutation') =>
  callApi<T>(server!.url, procedure, input, who?.token, kind)

const account = async (name: string, first: string): Promise<Account> => {
  const login = `${name}_${suffix}`
  await api('auth.register', {
    login,
    passwordHash: PASSWORD_HASH,
    email: `${login}@example.com`,
    firstName: first,
    lastName: 'Tester',
  })
  const auth = await api<AuthResult>('auth.login', { login, passwordHash: PASSWORD_HASH })
  return { id: auth.user.id, token: auth.accessToken, refreshToken: auth.refreshToken, login }
}

const say = (who: Account, chatId: string, text?: string, imageIds?: string[]) =>
  api(
    'messages.send',
    {
      chatId,
      clientId: randomUUID(),
      ...(text ? { text } : {}),
      ...(imageIds ? { imageIds } : {}),
    },
    who,
  )

/** A PNG drawn by the browser's canvas, uploaded as `who`. */
const uploadPng = async (page: Page, who: Account) => {
  const b64 = await page.evaluate(() => {
    const canvas = document.createElement('canvas')
    canvas.width = 320
    canvas.height = 200
    const g = canvas.getContext('2d')!
    g.fillStyle = '#2f6fde'
    g.fillRect(0, 0, 320, 200)
    return canvas.toDataURL('image/png').split(',')[1]!
  })
  const form = new FormData()
  form.append('file', new Blob([Buffer.from(b64, 'base64')], { type: 'image/png' }), 'p.png')
  const res = await fetch(`${server!.url}/api/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who.token}` },
    body: form,
  })
  return ((await res.json()) as { image: { id: string } }).image.id
}

/** Runs in every page before its own scripts. */
const probe = ({ refreshToken }: { refreshToken: string }) => {
  // Signed in through the refresh token once; later tabs and reloads use the rotated one.
  if (!localStorage.getItem('test.seeded')) {
    localStorage.setItem('messenger.refreshToken', refreshToken)
    localStorage.setItem('messenger.lang', 'en')
    localStorage.setItem('test.seeded', '1')
  }
  const w = window as unknown as Probe & typeof window

  let hidden = false
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (hidden ? 'hidden' : 'visible'),
  })
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden })
  w.__setHidden = (next) => {
    hidden = next
    document.dispatchEvent(new Event('visibilitychange'))
  }

  // The browser has granted notifications; the page reports "default" until the app asks, as a
  // browser that was never asked would, so the offer and the ask can be seen.
  const Real = window.Notification
  let permission: NotificationPermission =
    localStorage.getItem('test.permission') === 'granted' ? 'granted' : 'default'
  w.__notifications = []
  w.__notificationObjects = []
  w.__permissionAsks = 0
  class Recorded extends Real {
    static override get permission(): NotificationPermission {
      return permission
    }
    static override requestPermission(): Promise<NotificationPermission> {
      w.__permissionAsks++
      permission = 'granted'
      localStorage.setItem('test.permission', permission)
      return Promise.resolve(permission)
    }
    constructor(title: string, options?: NotificationOptions) {
      super(title, options)
      w.__notifications.push({ title, body: options?.body ?? '', tag: options?.tag ?? '' })
      w.__notificationObjects.push(this)
    }
  }
  w.Notification = Recorded

  w.__focused = 0
  const focus = window.focus.bind(window)
  w.focus = () => {
    w.__focused++
    focus()
  }

  w.__oscillators = 0
  const base = BaseAudioContext.prototype
  const createOscillator = Object.getOwnPropertyDescriptor(base, 'createOscillator')!.value as (
    this: BaseAudioContext,
  ) => OscillatorNode
  base.createOscillator = function (this: BaseAudioContext) {
    w.__oscillators++
    return createOscillator.call(this)
  }

  // The theme as the first paint would show it: when <body> appears, before any module runs.
  new MutationObserver((_, observer) => {
    if (!document.querySelector('body')) return
    w.__themeAtBody = document.documentElement.dataset.theme
    observer.disconnect()
  }).observe(document, { childList: true, subtree: true })
}

const read = <K extends keyof Probe>(page: Page, key: K) =>
  page.evaluate((key) => (window as unknown as Probe)[key], key)

const shownIn = (page: Page) => read(page, '__notifications')
const allShown = async () => (await Promise.all(tabs.map(shownIn))).flat()
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate((hidden) => (window as unknown as Probe).__setHidden(hidden), hidden)

const chatList = (page: Page) => page.getByRole('navigation', { name: t('chatList') })

const openTab = async () => {
  const page = await context!.newPage()
  tabs.push(page)
  await page.goto('/')
  await chatList(page)
    .getByRole('link', { name: /Project Team/ })
    .waitFor()
  return page
}

/** The message reached every tab (its preview is in each chat list). */
const arrivedEverywhere = async (text: string) => {
  for (const page of tabs) await chatList(page).getByText(text).first().waitFor()
}

/** Long enough for the notifying tab to ask the others and decide. */
const settle = (page: Page) => page.waitForTimeout(1000)

describe('notifications and the dark theme in Chromium', () => {
  beforeAll(async () => {
    server = await startServer()
    browser = await launchChromium()
    ann = await account('ann', 'Ann')
    bob = await account('bob', 'Bob')
    carol = await account('carol', 'Carol')
    direct = await api<Chat>('chats.createDirect', { userId: ann.id }, bob)
    quiet = await api<Chat>('chats.createDirect', { userId: ann.id }, carol)
    group = await api<Chat>(
      'chats.createGroup',
      { title: 'Project Team', memberIds: [ann.id, carol.id] },
      bob,
    )
    await say(bob, direct.id, 'Morning!')
    await say(carol, quiet.id, 'Hi Ann')
    await say(bob, group.id, 'Welcome to the team')
    // The system asks for dark; the browser has granted notifications to this origin.
    context = await browser.newContext({
      viewport: { width: 1100, height: 760 },
      locale: 'en-US',
      baseURL: server.url,
      colorScheme: 'dark',
    })
    context.setDefaultTimeout(10_000)
    await context.grantPermissions(['notifications'], { origin: server.url })
    await context.addInitScript(probe, { refreshToken: ann.refreshToken })
  }, 180_000)

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return
    const step = task.name.replace(/\W+/g, '-').slice(0, 40)
    for (const [i, page] of tabs.entries())
      await page
        .screenshot({ path: join(SCREENSHOTS, `notifications-failed-${step}-${i}.png`) })
        .catch(() => undefined)
  })

  afterAll(async () => {
    await context?.close().catch(() => undefined)
    await browser?.close()
    await server?.stop()
  }, 30_000)

  it('follows the system into dark before the first paint, passes axe, and remembers a choice', async () => {
    const page = await openTab()
    expect(await read(page, '__themeAtBody')).toBe('dark')
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    // The offer to turn notifications on is on screen; nothing was asked on load.
    await page.getByRole('button', { name: t('notifyTurnOn') }).waitFor()
    expect(await read(page, '__permissionAsks')).toBe(0)
    await page.waitForTimeout(350)
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-dark-notification-offer.png') })
    expect(await axeFindings(page)).toEqual([])
    expect(await smallTargets(page, 44)).toEqual([])

    await page.getByRole('button', { name: t('settings'), exact: true }).click()
    const theme = page.getByLabel(t('theme'))
    await theme.selectOption('light')
    await expect
      .poll(() => page.evaluate(() => document.documentElement.dataset.theme))
      .toBe('light')
    await page.reload()
    await page.getByLabel(t('theme')).waitFor()
    expect(await read(page, '__themeAtBody')).toBe('light')
    await expect(page.getByLabel(t('theme')).inputValue()).resolves.toBe('light')

    await page.getByLabel(t('theme')).selectOption('system')
    await expect
      .poll(() => page.evaluate(() => document.documentElement.dataset.theme))
      .toBe('dark')
    await page.waitForTimeout(350)
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-dark-settings-notifications.png') })
    expect(await axeFindings(page)).toEqual([])
    expect(await smallTargets(page, 44)).toEqual([])
  }, 90_000)

  it('asks for the permission only from the offer, which then goes away', async () => {
    const page = tabs[0]!
    await page.goto('/')
    const offer = page.getByRole('button', { name: t('notifyTurnOn') })
    await offer.click()
    await expect.poll(() => read(page, '__permissionAsks')).toBe(1)
    await expect.poll(() => offer.count()).toBe(0)
    await page.getByRole('button', { name: t('settings'), exact: true }).click()
    await expect(
      page.getByRole('switch', { name: t('notifyDesktop') }).getAttribute('aria-checked'),
    ).resolves.toBe('true')
    await page.goto('/')
  }, 60_000)

  it('one of two hidden tabs notifies of a new message; its click opens the chat', async () => {
    await openTab()
    for (const page of tabs) await setHidden(page, true)

    await say(bob, direct.id, 'Are you there?')
    await expect.poll(allShown, { timeout: 15_000 }).toHaveLength(1)
    await arrivedEverywhere('Are you there?')
    await settle(tabs[0]!)
    expect(await allShown()).toEqual([
      { title: 'Bob Tester', body: 'Are you there?', tag: `chat:${direct.id}` },
    ])
    const page = (await shownIn(tabs[0]!)).length === 1 ? tabs[0]! : tabs[1]!
    // The chime played (two notes) in the tab that notified.
    expect(await read(page, '__oscillators')).toBeGreaterThan(0)

    // The unread count is in the title and on the favicon.
    await expect.poll(() => page.title()).toMatch(/^\(\d+\) Messenger$/)
    const count = /^\((\d+)\)/.exec(await page.title())![1]
    const icon = page.locator('link[rel="icon"]')
    await expect.poll(() => icon.getAttribute('data-badge')).toBe(count)
    await expect(icon.getAttribute('href')).resolves.toMatch(/^data:image\/png;base64,/)

    // A click brings the tab forward with the chat open; once seen, the badge goes.
    await page.evaluate(() => {
      const w = window as unknown as Probe
      w.__notificationObjects.at(-1)!.dispatchEvent(new Event('click'))
    })
    await expect.poll(() => read(page, '__focused')).toBe(1)
    await setHidden(page, false)
    await page.getByRole('heading', { name: 'Bob Tester', level: 2 }).waitFor()
    expect(new URL(page.url()).pathname).toBe(`/chats/${direct.id}`)
    await page
      .getByRole('log', { name: t('messages') })
      .getByText('Are you there?')
      .waitFor()
    await expect.poll(() => icon.getAttribute('data-badge')).not.toBe(count)
  }, 90_000)

  it('a group is titled with its name and the sender; a photo says Photo', async () => {
    for (const page of tabs) await setHidden(page, true)
    const before = (await allShown()).length
    await say(bob, group.id, undefined, [await uploadPng(tabs[0]!, bob)])
    await expect.poll(async () => (await allShown()).length, { timeout: 15_000 }).toBe(before + 1)
    expect((await allShown()).at(-1)).toEqual({
      title: 'Project Team',
      body: 'Bob Tester: Photo',
      tag: `chat:${group.id}`,
    })
  }, 60_000)

  it('nothing for a muted chat but a mention, for one’s own message, or while a tab is visible', async () => {
    await api('chats.setPreferences', { chatId: quiet.id, muted: true }, ann)
    for (const page of tabs)
      await chatList(page)
        .getByRole('link', { name: /Carol Tester/ })
        .getByText(t('muted'))
        .waitFor({ state: 'attached' })
    for (const page of tabs) await setHidden(page, true)
    const before = (await allShown()).length

    await say(carol, quiet.id, 'Quiet please')
    await arrivedEverywhere('Quiet please')
    await settle(tabs[0]!)
    expect(await allShown()).toHaveLength(before)

    // A mention gets through the mute.
    await say(carol, quiet.id, `@${ann.login} can you look?`)
    await expect.poll(async () => (await allShown()).length, { timeout: 15_000 }).toBe(before + 1)
    expect((await allShown()).at(-1)).toMatchObject({
      title: 'Carol Tester',
      body: `@${ann.login} can you look?`,
    })

    // Ann's own message, sent from elsewhere.
    await say(ann, direct.id, 'Sent from my phone')
    await arrivedEverywhere('Sent from my phone')
    await settle(tabs[0]!)
    expect(await allShown()).toHaveLength(before + 1)

    // One tab on screen: the person sees it there, whichever tab would notify.
    for (const visible of [0, 1]) {
      for (const [i, page] of tabs.entries()) await setHidden(page, i !== visible)
      await say(bob, direct.id, `Seen in tab ${visible}`)
      await arrivedEverywhere(`Seen in tab ${visible}`)
      await settle(tabs[0]!)
      expect(await allShown()).toHaveLength(before + 1)
    }
  }, 90_000)

  it('the sound switch in settings silences the chime, not the notification', async () => {
    const page = tabs[0]!
    await setHidden(page, false)
    await page.getByRole('button', { name: t('settings'), exact: true }).click()
    const sound = page.getByRole('switch', { name: t('notifySound') })
    await sound.click()
    await expect(sound.getAttribute('aria-checked')).resolves.toBe('false')
    for (const p of tabs) await setHidden(p, true)
    const before = (await allShown()).length
    const chimes = (await Promise.all(tabs.map((p) => read(p, '__oscillators')))).reduce(
      (a, b) => a + b,
    )
    await say(bob, direct.id, 'No sound this time')
    await expect.poll(async () => (await allShown()).length, { timeout: 15_000 }).toBe(before + 1)
    const after = (await Promise.all(tabs.map((p) => read(p, '__oscillators')))).reduce(
      (a, b) => a + b,
    )
    expect(after).toBe(chimes)
  }, 60_000)
})
