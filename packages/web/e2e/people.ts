/**
 * People for the browser tests: each registered through the API and signed in to a browser
 * context of their own, in their own language, as a returning user would be.
 */
import { createHash } from 'node:crypto'
import type { AuthResult } from '@messenger/shared'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { translate, type Lang, type MessageKey } from '../src/lib/i18n'
import { callApi } from './harness'

export const PASSWORD_HASH = createHash('sha256').update('correct horse battery').digest('hex')

export interface Person {
  id: string
  login: string
  token: string
  name: string
  lang: Lang
  context: BrowserContext
  page: Page
  t: (key: MessageKey, vars?: Record<string, string | number>) => string
}

/** `first Tester`, registered and logged in through the API only. */
export const register = async (url: string, login: string, first: string) => {
  await callApi(url, 'auth.register', {
    login,
    email: `${login}@example.com`,
    firstName: first,
    lastName: 'Tester',
    passwordHash: PASSWORD_HASH,
  })
  return callApi<AuthResult>(url, 'auth.login', { login, passwordHash: PASSWORD_HASH })
}

export interface PeopleOptions {
  /** Playwright's default timeout per action. */
  timeoutMs?: number
  acceptDownloads?: boolean
}

/**
 * `signedIn` registers a person and opens the app for them with the refresh token in storage, as a
 * reload would; every tab of their context shares it, and a rotated token is never put back.
 * `people` lists everyone signed in, for the test to close.
 */
export const peopleOf = (
  env: () => { url: string; browser: Browser },
  options: PeopleOptions = {},
) => {
  const people: Person[] = []
  const signedIn = async (login: string, first: string, lang: Lang): Promise<Person> => {
    const { url, browser } = env()
    const auth = await register(url, login, first)
    const context = await browser.newContext({
      viewport: { width: 1100, height: 760 },
      locale: lang === 'ru' ? 'ru-RU' : 'en-US',
      baseURL: url,
      ...(options.acceptDownloads && { acceptDownloads: true }),
    })
    context.setDefaultTimeout(options.timeoutMs ?? 10_000)
    await context.addInitScript(
      ({ token, lang }) => {
        if (!localStorage.getItem('messenger.refreshToken')) {
          localStorage.setItem('messenger.refreshToken', token)
          localStorage.setItem('messenger.lang', lang)
        }
      },
      { token: auth.refreshToken, lang },
    )
    const page = await context.newPage()
    const t = (key: MessageKey, vars?: Record<string, string | number>) =>
      translate(lang, key, vars)
    await page.goto('/')
    await page.getByRole('heading', { name: t('chats') }).waitFor()
    const p = {
      id: auth.user.id,
      login,
      token: auth.accessToken,
      name: `${first} Tester`,
      lang,
      context,
      page,
      t,
    }
    people.push(p)
    return p
  }
  return { people, signedIn }
}

export const chatList = (p: Person, page = p.page) =>
  page.getByRole('navigation', { name: p.t('chatList') })

/** A chat's row in the list, by the start of its name (a preview may name someone too). */
export const chatLink = (p: Person, title: string, page = p.page) =>
  chatList(p, page).getByRole('link', { name: new RegExp(`^${title}`) })

export const openChatNamed = async (p: Person, title: string, page = p.page) => {
  await chatLink(p, title, page).click()
  await page.getByRole('heading', { name: title, level: 2 }).waitFor()
}
