// @vitest-environment node
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type { AuthResult } from '@messenger/shared'
import { Secret, TOTP } from 'otpauth'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { translate, type Lang, type MessageKey } from '../src/lib/i18n'
import { callApi, launchChromium, SCREENSHOTS, startServer, type RunningServer } from './harness'

const suffix = Date.now().toString(36).slice(-5)
const PASSWORD = 'correct horse battery'

let server: RunningServer | undefined
let browser: Browser | undefined
const contexts: BrowserContext[] = []
const pages: Page[] = []

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
const tr = (lang: Lang) => (key: MessageKey, vars?: Record<string, string | number>) =>
  translate(lang, key, vars)

const register = async (login: string, firstName: string) => {
  await callApi(server!.url, 'auth.register', {
    login,
    email: `${login}@example.com`,
    firstName,
    lastName: 'Tester',
    passwordHash: sha256(PASSWORD),
  })
  return callApi<AuthResult>(server!.url, 'auth.login', { login, passwordHash: sha256(PASSWORD) })
}

const newPage = async (lang: Lang) => {
  const context = await browser!.newContext({
    viewport: { width: 1100, height: 760 },
    locale: lang === 'ru' ? 'ru-RU' : 'en-US',
    baseURL: server!.url,
  })
  context.setDefaultTimeout(15_000)
  await context.addInitScript((lang) => localStorage.setItem('messenger.lang', lang), lang)
  contexts.push(context)
  const page = await context.newPage()
  pages.push(page)
  return page
}

/** A browser signed in with a session of its own (a login of its own), as after a reload. */
const signedInPage = async (login: string, lang: Lang) => {
  const auth = await callApi<AuthResult>(server!.url, 'auth.login', {
    login,
    passwordHash: sha256(PASSWORD),
  })
  const page = await newPage(lang)
  await page.context().addInitScript((token) => {
    if (!sessionStorage.getItem('seeded')) {
      localStorage.setItem('messenger.refreshToken', token)
      sessionStorage.setItem('seeded', '1')
    }
  }, auth.refreshToken)
  await page.goto('/')
  await page.getByRole('heading', { name: tr(lang)('chats') }).waitFor()
  return page
}

const openSettings = async (page: Page, lang: Lang) => {
  const t = tr(lang)
  await page.getByRole('button', { name: t('settings'), exact: true }).click()
  await page.getByRole('heading', { name: t('settings') }).waitFor()
}

const signInForm = async (page: Page, lang: Lang, login: string, password: string) => {
  const t = tr(lang)
  await page.getByLabel(t('loginOrEmail')).fill(login)
  await page.getByLabel(t('password'), { exact: true }).fill(password)
  await page.getByRole('button', { name: t('signIn') }).click()
}

const codeAt = (secret: string, offsetSteps = 0) =>
  new TOTP({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  }).generate({ timestamp: Date.now() + offsetSteps * 30_000 })

describe('account safety in Chromium', () => {
  beforeAll(async () => {
    server = await startServer()
    browser = await launchChromium()
  }, 180_000)

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return
    const step = task.name.replace(/\W+/g, '-').slice(0, 40)
    for (const [i, page] of pages.entries()) {
      if (!page.isClosed())
        await page
          .screenshot({ path: join(SCREENSHOTS, `account-failed-${step}-${i}.png`) })
          .catch(() => undefined)
    }
  })

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close()
    await server?.stop()
  }, 30_000)

  it('a password change in one browser signs the other browser of the same person out', async () => {
    const login = `pat_${suffix}`
    await register(login, 'Pat')
    const t = tr('en')
    const here = await signedInPage(login, 'en')
    const there = await signedInPage(login, 'en')

    await openSettings(here, 'en')
    await here.getByLabel(t('currentPassword')).fill(PASSWORD)
    await here.getByLabel(t('newPassword'), { exact: true }).fill('a brand new secret')
    await here.getByLabel(t('newPasswordAgain')).fill('a brand new secret')
    await here.getByRole('button', { name: t('changePassword') }).click()
    await here.getByText(t('passwordChanged')).waitFor()

    // The other browser's stream ends and its refresh token is dead: it is back at sign-in.
    await there.getByRole('heading', { name: t('signIn') }).waitFor({ timeout: 30_000 })
    // This one goes on, across a reload too.
    await here.reload()
    await here.getByRole('heading', { name: t('chats') }).waitFor()

    await signInForm(there, 'en', login, PASSWORD)
    await there.getByRole('alert').getByText(t('errWrongCredentials')).waitFor()
    await signInForm(there, 'en', login, 'a brand new secret')
    await there.getByRole('heading', { name: t('chats') }).waitFor()
  }, 120_000)

  it('two-factor login: turned on with a QR code, then sign-in with a code and with a recovery code', async () => {
    const login = `tess_${suffix}`
    await register(login, 'Тесса')
    const t = tr('ru')
    const page = await signedInPage(login, 'ru')
    await openSettings(page, 'ru')
    await page.getByRole('button', { name: t('turnOn'), exact: true }).click()
    const qr = page.getByRole('img', { name: t('qrAlt') })
    await expect
      .poll(() => qr.evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0)
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/)
    const secret = (await page.locator('code.secret').textContent())!.trim()
    expect(secret).toMatch(/^[A-Z2-7]+$/)
    await page.getByLabel(t('totpCode')).fill(codeAt(secret))
    await page.getByRole('button', { name: t('confirm') }).click()
    const list = page.getByRole('list', { name: t('recoveryCodesTitle') })
    await expect.poll(() => list.getByRole('listitem').count()).toBe(10)
    const recoveryCodes = await list.locator('code').allTextContents()
    await page.getByRole('button', { name: t('savedThem') }).click()
    await page.getByText(t('twoFactorOn', { count: 10 })).waitFor()

    // A fresh browser: the password, then a code from the app.
    const withCode = await newPage('ru')
    await withCode.goto('/')
    await signInForm(withCode, 'ru', login, PASSWORD)
    await withCode.getByRole('heading', { name: t('totpTitle') }).waitFor()
    await withCode.getByLabel(t('totpCode')).fill('000000')
    await withCode.getByRole('button', { name: t('verify') }).click()
    await withCode.getByRole('alert').getByText(t('errWrongCode')).waitFor()
    // The enabling code's step is spent; the next step's code is fresh.
    await withCode.getByLabel(t('totpCode')).fill(codeAt(secret, 1))
    await withCode.getByRole('button', { name: t('verify') }).click()
    await withCode.getByRole('heading', { name: t('chats') }).waitFor()

    // Another: the password, then a recovery code.
    const withRecovery = await newPage('ru')
    await withRecovery.goto('/')
    await signInForm(withRecovery, 'ru', login, PASSWORD)
    await withRecovery.getByRole('button', { name: t('useRecoveryCode') }).click()
    await withRecovery.getByLabel(t('recoveryCode')).fill(recoveryCodes[0]!)
    await withRecovery.getByRole('button', { name: t('verify') }).click()
    await withRecovery.getByRole('heading', { name: t('chats') }).waitFor()

    // The code is spent: the settings count one fewer.
    await openSettings(withRecovery, 'ru')
    await withRecovery.getByText(t('twoFactorOn', { count: 9 })).waitFor()
  }, 120_000)

  it('a deleted account: its messages stay for the other person, as from "Deleted account"', async () => {
    const carolLogin = `carol_${suffix}`
    const bobLogin = `bob_${suffix}`
    const carolAuth = await register(carolLogin, 'Carol')
    const bobAuth = await register(bobLogin, 'Боб')
    const chat = await callApi<{ id: string }>(
      server!.url,
      'chats.createDirect',
      { userId: bobAuth.user.id },
      carolAuth.accessToken,
    )
    await callApi(
      server!.url,
      'messages.send',
      { chatId: chat.id, clientId: crypto.randomUUID(), text: 'Goodbye from Carol' },
      carolAuth.accessToken,
    )
    const bob = await signedInPage(bobLogin, 'ru')
    const tb = tr('ru')
    const chatList = bob.getByRole('navigation', { name: tb('chatList') })
    await chatList.getByRole('link', { name: /Carol Tester/ }).waitFor()

    const carol = await signedInPage(carolLogin, 'en')
    const tc = tr('en')
    // Carol's profile as Bob sees it before: name, login, the chat in common.
    await chatList.getByRole('link', { name: /Carol Tester/ }).click()
    await bob.getByRole('textbox', { name: tb('messageInput') }).waitFor()
    await bob.getByRole('button', { name: tb('chatInfo') }).click()
    await bob
      .getByRole('dialog')
      .getByRole('link', { name: /Carol Tester/ })
      .click()
    await bob.getByRole('heading', { name: 'Carol Tester', level: 2 }).waitFor()
    await bob.getByText(`@${carolLogin}`).waitFor()
    await bob.getByRole('heading', { name: tb('sharedChats') }).waitFor()
    await expect.poll(() => bob.locator('.shared-chats li').count()).toBe(1)

    await openSettings(carol, 'en')
    carol.on('dialog', (d) => void d.accept())
    await carol.getByRole('button', { name: tc('deleteAccount') }).click()
    await carol.getByLabel(tc('password'), { exact: true }).fill('not my password')
    await carol.getByRole('button', { name: tc('deleteAccountConfirm') }).click()
    await carol.getByRole('alert').getByText(tc('errWrongPassword')).waitFor()
    await carol.getByLabel(tc('password'), { exact: true }).fill(PASSWORD)
    await carol.getByRole('button', { name: tc('deleteAccountConfirm') }).click()
    await carol.getByRole('heading', { name: tc('signIn') }).waitFor()

    // Bob's list retitles the chat live; the message is still there.
    await chatList.getByRole('link', { name: new RegExp(tb('deletedAccount')) }).waitFor()
    await chatList.getByRole('link', { name: new RegExp(tb('deletedAccount')) }).click()
    await bob.getByRole('heading', { name: tb('deletedAccount'), level: 2 }).waitFor()
    await bob
      .getByRole('log', { name: tb('messages') })
      .getByText('Goodbye from Carol')
      .waitFor()
    // The chat takes no new messages: the composer gives way to a note that says why.
    await bob.getByRole('status').getByText(tb('closedChat')).waitFor()
    expect(await bob.getByRole('textbox', { name: tb('messageInput') }).count()).toBe(0)

    // Carol cannot sign in; her login is free for someone new.
    await signInForm(carol, 'en', carolLogin, PASSWORD)
    await carol.getByRole('alert').getByText(tc('errWrongCredentials')).waitFor()
    await register(carolLogin, 'Another')
  }, 120_000)
})
