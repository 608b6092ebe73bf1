// @vitest-environment node
import { createHash, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { translate, type Lang, type MessageKey } from '../src/lib/i18n'
import { callApi, launchChromium, SCREENSHOTS, startServer, type RunningServer } from './harness'

const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 360, height: 740 }
const PASSWORD = 'correct horse battery'
const suffix = Date.now().toString(36).slice(-5)
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

interface Account {
  login: string
  name: string
  id: string
  token: string
}
interface Person extends Account {
  lang: Lang
  page: Page
  t: (key: MessageKey, vars?: Record<string, string | number>) => string
}

let server: RunningServer | undefined
let browser: Browser | undefined
const people: Partial<Record<'ann' | 'boris', Person>> = {}
const person = (name: 'ann' | 'boris') => {
  const p = people[name]
  if (!p) throw new Error(`${name} was not set up in beforeAll`)
  return p
}
const url = () => {
  if (!server) throw new Error('the server starts in beforeAll')
  return server.url
}

const register = async (login: string, first: string): Promise<Account> => {
  const passwordHash = createHash('sha256').update(PASSWORD).digest('hex')
  await callApi(url(), 'auth.register', {
    login,
    email: `${login}@example.com`,
    firstName: first,
    lastName: 'Tester',
    passwordHash,
  })
  const r = await callApi<{ accessToken: string; user: { id: string } }>(url(), 'auth.login', {
    login,
    passwordHash,
  })
  return { login, name: `${first} Tester`, id: r.user.id, token: r.accessToken }
}

const send = (from: Account, chatId: string, text: string, imageIds?: string[]) =>
  callApi<{ id: string }>(
    url(),
    'messages.send',
    { chatId, clientId: randomUUID(), text, ...(imageIds && { imageIds }) },
    from.token,
  )

/** Signs in through the form, in a browser speaking the person's language. */
const signIn = async (account: Account, lang: Lang, viewport: typeof PHONE): Promise<Person> => {
  if (!browser) throw new Error('the browser starts in beforeAll')
  // Bypassing the page's CSP only lets the test inject axe-core; the app runs as served.
  const context = await browser.newContext({
    viewport,
    locale: lang === 'ru' ? 'ru-RU' : 'en-US',
    baseURL: url(),
    bypassCSP: true,
  })
  context.setDefaultTimeout(10_000)
  const page = await context.newPage()
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars)
  await page.goto('/')
  await page.getByLabel(t('loginOrEmail')).fill(account.login)
  await page.getByLabel(t('password')).fill(PASSWORD)
  await page.getByRole('button', { name: t('signIn') }).click()
  await page.getByRole('heading', { name: t('chats') }).waitFor()
  return { ...account, lang, page, t }
}

/** Polls as long as a step may take on a loaded machine (expect.poll gives up after a second). */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 10_000 })

const searchBox = (p: Person) => p.page.getByRole('searchbox', { name: p.t('searchInput') })
const resultList = (p: Person) => p.page.getByRole('list', { name: p.t('searchResults') })

/** The results once the search has settled on what the box holds now. */
const settledResults = async (p: Person) => {
  await poll(() => resultList(p).getAttribute('aria-busy')).toBe('false')
  return resultList(p).getByRole('link').allTextContents()
}

const marks = (p: Person) => resultList(p).locator('mark').allTextContents()

const openSearch = async (p: Person) => {
  await p.page.getByRole('button', { name: p.t('searchMessages'), exact: true }).click()
  await searchBox(p).waitFor()
}

/** A PNG drawn by the browser's canvas: a real image without files in the repo. */
const drawPng = (page: Page) =>
  page.evaluate(() => {
    const canvas = document.createElement('canvas')
    canvas.width = 400
    canvas.height = 300
    const g = canvas.getContext('2d')!
    g.fillStyle = '#2f6fde'
    g.fillRect(0, 0, 400, 300)
    return canvas.toDataURL('image/png').split(',')[1]!
  })

const upload = async (from: Account, png: string) => {
  const form = new FormData()
  form.append('file', new Blob([Buffer.from(png, 'base64')], { type: 'image/png' }), 'plan.png')
  const res = await fetch(`${url()}/api/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${from.token}` },
    body: form,
  })
  if (res.status !== 201) throw new Error(`upload: ${res.status}`)
  return ((await res.json()) as { image: { id: string } }).image.id
}

const T = {
  defence: 'Привет! Обсудим оборону проекта завтра',
  matrix: 'The responsibility matrix is ready',
  group: 'Привет всем в группе',
  picture: 'Привет, вот схема',
}

describe('search as people type, in Chromium', () => {
  let directId = ''

  beforeAll(async () => {
    server = await startServer()
    browser = await launchChromium()
    const ann = await register(`ann_${suffix}`, 'Ann')
    const boris = await register(`boris_${suffix}`, 'Борис')
    const direct = await callApi<{ id: string }>(
      url(),
      'chats.createDirect',
      { userId: boris.id },
      ann.token,
    )
    directId = direct.id
    const group = await callApi<{ id: string }>(
      url(),
      'chats.createGroup',
      { title: `Plans ${suffix}`, memberIds: [boris.id] },
      ann.token,
    )
    await send(boris, directId, T.defence)
    // Enough later messages that the first one is not in the chat's first page.
    for (let i = 0; i < 60; i++) await send(ann, directId, `filler ${i}`)
    await send(ann, directId, T.matrix)
    await send(ann, group.id, T.group)
    people.boris = await signIn(boris, 'ru', PHONE)
    const imageId = await upload(boris, await drawPng(people.boris.page))
    await send(boris, directId, T.picture, [imageId])
    people.ann = await signIn(ann, 'en', DESKTOP)
  }, 180_000)

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return
    const step = task.name.replace(/\W+/g, '-').slice(0, 40)
    for (const [name, p] of Object.entries(people)) {
      await p.page
        .screenshot({ path: join(SCREENSHOTS, `failed-search-${step}-${name}.png`) })
        .catch(() => undefined)
    }
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  }, 30_000)

  it('finds Russian typed with the English layout on, and marks what it found', async () => {
    const boris = person('boris')
    await openSearch(boris)
    await searchBox(boris).fill('ghbdtn')
    await poll(() => settledResults(boris).then((r) => r.length)).toBe(3)
    const found = await settledResults(boris)
    for (const text of [T.defence, T.group, T.picture]) {
      expect(found.some((r) => r.includes(text))).toBe(true)
    }
    expect(new Set(await marks(boris))).toEqual(new Set(['Привет']))
    await boris.page.getByText(boris.t('searchedAs', { query: 'привет' })).waitFor()
    await boris.page.screenshot({ path: join(SCREENSHOTS, 'phone-search-layout.png') })
  }, 60_000)

  it('finds an unfinished last word, a typo and another form, each marked', async () => {
    const boris = person('boris')
    await searchBox(boris).fill('оборо')
    await poll(() => marks(boris)).toEqual(['оборону'])
    expect(await settledResults(boris)).toEqual([expect.stringContaining(T.defence)])
    await searchBox(boris).fill('responsib')
    await poll(() => marks(boris)).toEqual(['responsibility'])
    // A typo, and another form of the word.
    await searchBox(boris).fill('matrx')
    await poll(() => marks(boris)).toEqual(['matrix'])
    await searchBox(boris).fill('проекты')
    await poll(() => marks(boris)).toEqual(['проекта'])
  }, 60_000)

  it('narrows by filter chips, typed or picked, and stays accessible on a phone', async () => {
    const boris = person('boris')
    const ann = person('ann')
    const { page, t } = boris
    await searchBox(boris).fill('привет')
    await poll(() => settledResults(boris).then((r) => r.length)).toBe(3)
    expect(new Set(await marks(boris))).toEqual(new Set(['Привет']))

    // Typed: from: becomes a chip once the next word starts, and only Ann's message is left.
    await searchBox(boris).pressSequentially(` from:${ann.login} `)
    const chips = page.getByRole('list', { name: t('searchFilters') })
    const fromChip = chips.getByRole('button', {
      name: t('removeFilter', { name: t('chipFrom', { name: ann.name }) }),
    })
    await fromChip.waitFor()
    await expect(searchBox(boris).inputValue()).resolves.toBe('привет ')
    await poll(() => settledResults(boris)).toEqual([expect.stringContaining(T.group)])
    await fromChip.click()
    await poll(() => settledResults(boris).then((r) => r.length)).toBe(3)

    // Picked: "with images" and a chat, each a chip that narrows the results.
    await page.getByRole('button', { name: t('filters') }).click()
    await page.getByRole('button', { name: t('filterHasImage'), exact: true }).click()
    await poll(() => settledResults(boris)).toEqual([expect.stringContaining(T.picture)])
    await expect(
      resultList(boris)
        .getByText(t('imagesCount', { count: 1 }))
        .isVisible(),
    ).resolves.toBe(true)

    // Checked with chips and the open filters on screen: no serious or critical axe finding,
    // and every control here is a 44 px target.
    await page.addScriptTag({ content: axeSource })
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: () => Promise<unknown> } }).axe
      const result = (await axe.run()) as { violations: { id: string; impact: string }[] }
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    })
    expect(violations).toEqual([])
    const small = await page
      .locator('.search-page .page-body :is(button, input, select, a)')
      .evaluateAll((els) =>
        els
          .map((el) => ({ el: el.outerHTML.slice(0, 80), box: el.getBoundingClientRect() }))
          .filter(({ box }) => box.width > 0 && (box.height < 44 || box.width < 44))
          .map(({ el }) => el),
      )
    expect(small).toEqual([])
    // Nothing wider than the phone.
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBe(360)
    await page.screenshot({ path: join(SCREENSHOTS, 'phone-search-filters.png') })

    await page.getByRole('button', { name: t('filterHasImage'), exact: true }).click()
    await page
      .getByLabel(t('filterChat'), { exact: true })
      .selectOption({ label: `Plans ${suffix}` })
    await chips
      .getByRole('button', {
        name: t('removeFilter', { name: t('chipIn', { name: `Plans ${suffix}` }) }),
      })
      .waitFor()
    await poll(() => settledResults(boris)).toEqual([expect.stringContaining(T.group)])
    await page.getByLabel(t('filterChat'), { exact: true }).selectOption({ label: t('allChats') })

    // Typed in:, with the chat's name in quotes.
    await searchBox(boris).fill(`привет in:"Plans ${suffix}" `)
    await chips
      .getByRole('button', {
        name: t('removeFilter', { name: t('chipIn', { name: `Plans ${suffix}` }) }),
      })
      .waitFor()
    await poll(() => settledResults(boris)).toEqual([expect.stringContaining(T.group)])
  }, 60_000)

  it('searches inside the open chat and jumps to the message in its history', async () => {
    const boris = person('boris')
    const { page, t } = boris
    await page.getByRole('button', { name: t('back') }).click()
    await page
      .getByRole('navigation', { name: t('chatList') })
      .getByRole('link', { name: new RegExp(person('ann').name) })
      .click()
    await page.getByRole('heading', { name: person('ann').name, level: 2 }).waitFor()
    await page.getByRole('button', { name: t('searchInChat') }).click()
    await page
      .getByRole('heading', { name: t('searchInTitle', { title: person('ann').name }) })
      .waitFor()
    // Only this chat: the group's greeting is not among the results.
    await searchBox(boris).fill('привет')
    await poll(() => settledResults(boris).then((r) => r.length)).toBe(2)
    await searchBox(boris).fill('оборо')
    await poll(() => settledResults(boris)).toEqual([expect.stringContaining(T.defence)])
    await resultList(boris).getByRole('link').click()

    // The message is 60 messages back: older pages load until it is there, then it is in view.
    const log = page.getByRole('log', { name: t('messages') })
    const target = log.getByText(T.defence)
    await target.waitFor()
    await expect
      .poll(async () => {
        const [box, view] = await Promise.all([target.boundingBox(), log.boundingBox()])
        return (
          box !== null &&
          view !== null &&
          box.y >= view.y &&
          box.y + box.height <= view.y + view.height
        )
      })
      .toBe(true)
    await page.screenshot({ path: join(SCREENSHOTS, 'phone-search-jump.png') })
    // Back from the chat returns to the same search.
    await page.goBack()
    await expect(searchBox(boris).inputValue()).resolves.toBe('оборо')
  }, 60_000)

  it('never lets a slow answer to an older query replace a newer one', async () => {
    const ann = person('ann')
    const { page } = ann
    const aborted: string[] = []
    page.on('requestfailed', (r) => {
      if (r.url().includes('messages.search')) aborted.push(decodeURIComponent(r.url()))
    })
    // The answer to "оборо" is held back 1.5 s, as a slow server would.
    await page.route(/messages\.search/, async (route) => {
      if (decodeURIComponent(route.request().url()).includes('"оборо"')) {
        await new Promise((r) => setTimeout(r, 1500))
      }
      try {
        await route.continue()
      } catch {
        // The page gave up on the request meanwhile.
      }
    })
    await openSearch(ann)
    const sent = page.waitForRequest((r) => decodeURIComponent(r.url()).includes('"оборо"'))
    await searchBox(ann).pressSequentially('оборо')
    await sent
    // Typed on while it is still out: the newer query is answered first.
    await searchBox(ann).fill('')
    await searchBox(ann).pressSequentially('respons', { delay: 30 })
    await poll(() => settledResults(ann)).toEqual([expect.stringContaining(T.matrix)])
    // Past the slow answer's time: still the newer query's results.
    await page.waitForTimeout(1800)
    expect(await settledResults(ann)).toEqual([expect.stringContaining(T.matrix)])
    expect(aborted.some((u) => u.includes('"оборо"'))).toBe(true)
    await page.unroute(/messages\.search/)
  }, 60_000)

  it('pages through many results with a cursor, newest first among equals', async () => {
    const ann = person('ann')
    const { page, t } = ann
    await searchBox(ann).fill('filler')
    await poll(() => settledResults(ann).then((r) => r.length)).toBe(20)
    await page.getByRole('button', { name: t('moreResults') }).click()
    await poll(() => settledResults(ann).then((r) => r.length)).toBe(40)
    await page.getByRole('button', { name: t('moreResults') }).click()
    await poll(() => settledResults(ann).then((r) => r.length)).toBe(60)
    await expect(page.getByRole('button', { name: t('moreResults') }).count()).resolves.toBe(0)
    const numbers = (await settledResults(ann)).map((r) => Number(/filler (\d+)/.exec(r)?.[1]))
    expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => 59 - i))
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-search-pages.png') })
  }, 60_000)
})
