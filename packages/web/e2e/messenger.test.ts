// @vitest-environment node
import { createHash, randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { translate, type Lang, type MessageKey } from '../src/lib/i18n'
import { callApi, launchChromium, SCREENSHOTS, startServer, type RunningServer } from './harness'

const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 360, height: 740 }
const suffix = Date.now().toString(36).slice(-5)

interface Person {
  login: string
  first: string
  last: string
  lang: Lang
  context: BrowserContext
  page: Page
  t: (key: MessageKey, vars?: Record<string, string | number>) => string
}

/** What Chromium reported against the Content-Security-Policy or Permissions-Policy. */
const policyErrors: string[] = []

let server: RunningServer | undefined
let browser: Browser | undefined
const people: Partial<Record<'alice' | 'bob' | 'carol', Person>> = {}
const person = (name: 'alice' | 'bob' | 'carol') => {
  const p = people[name]
  if (!p) throw new Error(`${name} was not set up by an earlier step`)
  return p
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) })

const open = async (
  name: 'alice' | 'bob' | 'carol',
  first: string,
  lang: Lang,
  viewport: { width: number; height: number },
) => {
  if (!browser || !server) throw new Error('the browser and server start in beforeAll')
  const context = await browser.newContext({
    viewport,
    locale: lang === 'ru' ? 'ru-RU' : 'en-US',
    baseURL: server.url,
  })
  // Fail fast: every step here takes well under a second when it works.
  context.setDefaultTimeout(10_000)
  context.on('console', (m) => {
    if (/Content Security Policy|Permissions-Policy/i.test(m.text())) policyErrors.push(m.text())
  })
  const page = await context.newPage()
  const p: Person = {
    login: `${name}_${suffix}`,
    first,
    last: 'Tester',
    lang,
    context,
    page,
    t: (key, vars) => translate(lang, key, vars),
  }
  people[name] = p
  return p
}

const register = async (p: Person, screenshot?: string) => {
  const { page, t } = p
  await page.goto('/')
  await page.getByRole('heading', { name: t('signIn') }).waitFor()
  if (screenshot) await shot(page, `${screenshot}-sign-in`)
  await page.getByRole('button', { name: t('signUp') }).click()
  await page.getByLabel(t('login'), { exact: true }).fill(p.login)
  await page.getByLabel(t('email')).fill(`${p.login}@example.com`)
  await page.getByLabel(t('firstName')).fill(p.first)
  await page.getByLabel(t('lastName')).fill(p.last)
  await page.getByLabel(t('password'), { exact: true }).fill('short')
  await page.getByLabel(t('passwordAgain')).fill('short')
  await page.getByRole('button', { name: t('signUp') }).click()
  await page.getByText(t('errPasswordShort')).waitFor()
  await page.getByLabel(t('password'), { exact: true }).fill('correct horse battery')
  await page.getByLabel(t('passwordAgain')).fill('correct horse battery')
  if (screenshot) await shot(page, `${screenshot}-sign-up`)
  await page.getByRole('button', { name: t('signUp') }).click()
  await page.getByRole('heading', { name: t('chats') }).waitFor()
}

const openChatNamed = async (p: Person, title: string) => {
  await p.page
    .getByRole('navigation', { name: p.t('chatList') })
    .getByRole('link', { name: title })
    .click()
  await p.page.getByRole('heading', { name: title, level: 2 }).waitFor()
}

const sendText = async (p: Person, text: string) => {
  const box = p.page.getByRole('textbox', { name: p.t('messageInput') })
  await box.fill(text)
  await box.press('Enter')
}

/** A PNG drawn by the browser's canvas: a real image without files in the repo. */
const drawPng = (page: Page, label: string, width = 1200, height = 800) =>
  page.evaluate(
    ({ label, width, height }) => {
      const canvas = document.createElement('canvas')
      canvas.width = width
      canvas.height = height
      const g = canvas.getContext('2d')!
      const grad = g.createLinearGradient(0, 0, width, height)
      grad.addColorStop(0, '#2f6fde')
      grad.addColorStop(1, '#f2b33d')
      g.fillStyle = grad
      g.fillRect(0, 0, width, height)
      g.fillStyle = '#fff'
      g.font = `bold ${Math.round(height / 6)}px sans-serif`
      g.fillText(label, width * 0.35, height * 0.55)
      return canvas.toDataURL('image/png').split(',')[1]!
    },
    { label, width, height },
  )

const messageLog = (p: Person) => p.page.getByRole('log', { name: p.t('messages') })

describe('messenger in Chromium', () => {
  beforeAll(async () => {
    server = await startServer()
    browser = await launchChromium()
  }, 180_000)

  // What each browser showed when a step failed, to see why without rerunning.
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return
    for (const [name, p] of Object.entries(people)) {
      const step = task.name.replace(/\W+/g, '-').slice(0, 40)
      await shot(p.page, `failed-${step}-${name}`).catch(() => undefined)
    }
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  }, 30_000)

  it('registers people in their own language, with clear errors', async () => {
    const alice = await open('alice', 'Alice', 'en', DESKTOP)
    const bob = await open('bob', 'Борис', 'ru', PHONE)
    await register(alice, 'desktop')
    await register(bob, 'phone')
    // Bob's browser speaks Russian, so does his UI.
    await expect(bob.page.getByRole('heading', { name: 'Чаты' }).isVisible()).resolves.toBe(true)

    // A taken login is named as such.
    const carol = await open('carol', 'Carol', 'en', DESKTOP)
    await carol.page.goto('/')
    await carol.page.getByRole('button', { name: carol.t('signUp') }).click()
    await carol.page.getByLabel(carol.t('login'), { exact: true }).fill(alice.login)
    await carol.page.getByLabel(carol.t('email')).fill('carol-at-example.com')
    await carol.page.getByLabel(carol.t('firstName')).fill('Carol')
    await carol.page.getByLabel(carol.t('lastName')).fill('Tester')
    await carol.page.getByLabel(carol.t('password'), { exact: true }).fill('password123')
    await carol.page.getByLabel(carol.t('passwordAgain')).fill('password123')
    await carol.page.getByRole('button', { name: carol.t('signUp') }).click()
    // The server's verdict lands on the field it is about, as a sentence in the UI's language.
    const email = carol.page.getByLabel(carol.t('email'))
    await carol.page.getByText(carol.t('errEmailFormat')).waitFor()
    await expect(email.getAttribute('aria-invalid')).resolves.toBe('true')
    await email.fill(`other_${suffix}@example.com`)
    await carol.page.getByRole('button', { name: carol.t('signUp') }).click()
    await carol.page.getByText(carol.t('errLoginTaken')).waitFor()
  }, 60_000)

  it('opens a personal chat and exchanges messages live', async () => {
    const alice = person('alice')
    const bob = person('bob')
    await alice.page.getByRole('button', { name: alice.t('newChat') }).click()
    const dialog = alice.page.getByRole('dialog')
    // The dialog starts where the person types: the search field, not Close.
    await expect
      .poll(() =>
        dialog.getByLabel(alice.t('findPeople')).evaluate((el) => el === document.activeElement),
      )
      .toBe(true)
    await dialog.getByLabel(alice.t('findPeople')).fill(bob.login)
    await dialog.getByRole('button', { name: new RegExp(bob.login) }).click()
    const bobName = `${bob.first} ${bob.last}`
    await alice.page.getByRole('heading', { name: bobName, level: 2 }).waitFor()
    await sendText(alice, 'Hello Bob, wonderful weather today')
    await messageLog(alice).getByText('Hello Bob, wonderful weather today').waitFor()

    // Bob did nothing: the chat arrives live, with an unread badge.
    const aliceName = `${alice.first} ${alice.last}`
    const item = bob.page.getByRole('link', { name: new RegExp(aliceName) })
    await item.waitFor()
    await item.getByText(bob.t('unread', { count: 1 })).waitFor()
    await shot(bob.page, 'phone-chat-list')
    await openChatNamed(bob, aliceName)
    await messageLog(bob).getByText('Hello Bob, wonderful weather today').waitFor()
    await sendText(bob, 'Привет, Алиса!')
    await messageLog(alice).getByText('Привет, Алиса!').waitFor()
    // Seen by Bob: his badge is gone.
    await expect.poll(() => item.getByText(bob.t('unread', { count: 1 })).count()).toBe(0)
    await shot(bob.page, 'phone-chat')
  }, 60_000)

  it('sends an image; the other side sees the thumbnail and opens the full version', async () => {
    const alice = person('alice')
    const bob = person('bob')
    const buffer = Buffer.from(await drawPng(alice.page, 'e2e'), 'base64')
    await alice.page.getByTestId('file-input').setInputFiles({
      name: 'sunset.png',
      mimeType: 'image/png',
      buffer,
    })
    const send = alice.page.getByRole('button', { name: alice.t('send') })
    await expect.poll(() => send.isEnabled(), { timeout: 20_000 }).toBe(true)
    await shot(alice.page, 'desktop-attachment')
    await send.click()

    const thumb = messageLog(bob)
      .getByRole('button', { name: bob.t('openImage') })
      .last()
    await thumb.waitFor({ timeout: 20_000 })
    await expect
      .poll(() => thumb.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0)
    await thumb.click()
    const viewer = bob.page.getByRole('dialog', { name: bob.t('imageViewer') })
    const full = viewer.locator('img')
    await expect
      .poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0)
    const fullWidth = await full.evaluate((img: HTMLImageElement) => img.naturalWidth)
    const thumbWidth = await thumb
      .locator('img')
      .evaluate((img: HTMLImageElement) => img.naturalWidth)
    expect(fullWidth).toBe(1200)
    expect(thumbWidth).toBeLessThan(fullWidth)
    await shot(bob.page, 'phone-lightbox')
    await viewer.getByRole('button', { name: bob.t('close') }).click()
    await shot(alice.page, 'desktop-chat')
  }, 60_000)

  it('a third person added to a group sees its history', async () => {
    const alice = person('alice')
    const bob = person('bob')
    const carol = person('carol')
    await register(carol)

    await alice.page.getByRole('button', { name: alice.t('newChat') }).click()
    const dialog = alice.page.getByRole('dialog')
    await dialog.getByRole('tab', { name: alice.t('tabGroup') }).click()
    await dialog.getByLabel(alice.t('groupTitle')).fill('Project Team')
    await dialog.getByLabel(alice.t('findPeople')).fill(bob.login)
    await dialog.getByRole('button', { name: new RegExp(bob.login) }).click()
    await dialog.getByRole('button', { name: alice.t('create') }).click()
    // A group stays a group with its own title, even with only two members.
    await alice.page.getByRole('button', { name: alice.t('groupSettings') }).waitFor()
    await alice.page.getByRole('heading', { name: 'Project Team', level: 2 }).waitFor()
    await alice.page.getByText(alice.t('membersCount', { count: 2 })).waitFor()
    await sendText(alice, 'Kickoff notes: the launch is on Friday')
    await messageLog(alice).getByText('Kickoff notes').waitFor()

    await alice.page.getByRole('button', { name: alice.t('groupSettings') }).click()
    const settings = alice.page.getByRole('dialog', { name: alice.t('groupSettings') })
    await settings.getByLabel(alice.t('findPeople')).fill(carol.login)
    await settings.getByRole('button', { name: new RegExp(carol.login) }).click()
    await settings.getByText(alice.t('membersCount', { count: 3 })).waitFor()
    await alice.page.getByRole('heading', { name: 'Project Team', level: 2 }).waitFor()
    await shot(alice.page, 'desktop-group-settings')
    await settings.getByRole('button', { name: alice.t('close') }).click()

    await openChatNamed(carol, 'Project Team')
    await messageLog(carol).getByText('Kickoff notes: the launch is on Friday').waitFor()
    // Carol is not the owner: she sees the title and the members, and only Leave to act on.
    await carol.page.getByRole('button', { name: carol.t('groupSettings') }).click()
    const carolSettings = carol.page.getByRole('dialog', { name: carol.t('groupSettings') })
    await carolSettings.getByRole('button', { name: carol.t('leaveGroup') }).waitFor()
    expect(await carolSettings.getByRole('button', { name: carol.t('rename') }).count()).toBe(0)
    expect(await carolSettings.getByRole('textbox').count()).toBe(0)
    expect(await carolSettings.getByRole('searchbox').count()).toBe(0)
    expect(
      await carolSettings
        .getByRole('button', { name: new RegExp(carol.t('removeMember', { name: '' })) })
        .count(),
    ).toBe(0)
    await carol.page.keyboard.press('Escape')
    await sendText(carol, 'Glad to be here')
    await messageLog(alice).getByText('Glad to be here').waitFor()
    await shot(carol.page, 'desktop-group')
  }, 60_000)

  it('catches up after going offline before any live event, without marking unseen as read', async () => {
    const alice = person('alice')
    const carol = person('carol')
    // A fresh page that has received no live event yet still knows where to resume from.
    await alice.page.reload()
    await messageLog(alice).getByText('Glad to be here').waitFor()
    await alice.context.setOffline(true)
    try {
      await alice.page
        .getByRole('status')
        .getByText(alice.t('reconnecting'))
        .waitFor({ timeout: 20_000 })
      await shot(alice.page, 'desktop-reconnecting')
      await sendText(carol, 'Missed one')
      await messageLog(carol).getByText('Missed one').waitFor()
      await sendText(carol, 'Missed two')
      await messageLog(carol).getByText('Missed two').waitFor()
      // Alice's own message cannot leave: it stays on screen, marked, with a Retry.
      await sendText(alice, 'Written on a train')
      await messageLog(alice).getByText(alice.t('failed')).waitFor()
    } finally {
      await alice.context.setOffline(false)
    }
    await messageLog(alice).getByText('Missed two').waitFor({ timeout: 20_000 })
    const texts = await messageLog(alice).locator('p.text').allTextContents()
    expect(texts.filter((x) => x.startsWith('Missed '))).toEqual(['Missed one', 'Missed two'])
    await expect
      .poll(() => alice.page.getByText(alice.t('reconnecting')).count(), { timeout: 10_000 })
      .toBe(0)
    await messageLog(alice)
      .getByRole('button', { name: alice.t('retry') })
      .click()
    await messageLog(carol).getByText('Written on a train').waitFor()
    await expect.poll(() => messageLog(alice).getByText(alice.t('failed')).count()).toBe(0)
    expect(await messageLog(carol).getByText('Written on a train').count()).toBe(1)
    expect(await messageLog(alice).getByText('Written on a train').count()).toBe(1)

    // With the tab hidden, what arrives in the open chat stays unread (badge and tab title)
    // until Alice looks again.
    const setHidden = (hidden: boolean) =>
      alice.page.evaluate((h) => {
        Object.defineProperty(document, 'visibilityState', {
          configurable: true,
          get: () => (h ? 'hidden' : 'visible'),
        })
        document.dispatchEvent(new Event('visibilitychange'))
      }, hidden)
    await setHidden(true)
    await sendText(carol, 'While you were away')
    await messageLog(alice).getByText('While you were away').waitFor()
    const groupItem = alice.page.getByRole('link', { name: /Project Team/ })
    await groupItem.getByText(alice.t('unread', { count: 1 })).waitFor()
    await expect.poll(() => alice.page.title()).toMatch(/^\(1\) /)
    await setHidden(false)
    await expect.poll(() => groupItem.getByText(alice.t('unread', { count: 1 })).count()).toBe(0)
    await expect.poll(() => alice.page.title()).not.toMatch(/^\(/)
  }, 60_000)

  it('finds a message by a word with a typo and opens it in its chat', async () => {
    const bob = person('bob')
    await bob.page.getByRole('button', { name: bob.t('back') }).click()
    // On a phone the dialogs fit the screen too; Escape closes them.
    await bob.page.getByRole('button', { name: bob.t('newChat') }).click()
    await bob.page.getByRole('dialog').getByLabel(bob.t('findPeople')).fill('Tester')
    await bob.page
      .getByRole('dialog')
      .getByRole('button', { name: /Carol Tester/ })
      .waitFor()
    await shot(bob.page, 'phone-new-chat')
    await bob.page.keyboard.press('Escape')
    await expect.poll(() => bob.page.getByRole('dialog').count()).toBe(0)
    await bob.page.getByRole('button', { name: bob.t('settings'), exact: true }).click()
    await bob.page.getByText(bob.t('thisDevice')).waitFor()
    await shot(bob.page, 'phone-settings')
    await bob.page.getByRole('button', { name: bob.t('back') }).click()
    await bob.page.getByRole('button', { name: bob.t('searchMessages') }).click()
    await bob.page.getByRole('searchbox', { name: bob.t('searchInput') }).fill('wonderfl')
    const hit = bob.page.getByRole('link', { name: /wonderful/ })
    await hit.waitFor()
    await expect(hit.locator('mark').first().textContent()).resolves.toMatch(/wonderful/i)
    await shot(bob.page, 'phone-search')
    await hit.click()
    await messageLog(bob).getByText('Hello Bob, wonderful weather today').waitFor()
  }, 60_000)

  it('pages back through a long history without moving what is on screen', async () => {
    const alice = person('alice')
    const bob = person('bob')
    // Bob writes 60 more messages through the API, as every client could.
    const passwordHash = createHash('sha256').update('correct horse battery').digest('hex')
    const auth = await callApi<{ accessToken: string }>(server!.url, 'auth.login', {
      login: bob.login,
      passwordHash,
    })
    const found = await callApi<{ items: { id: string }[] }>(
      server!.url,
      'users.search',
      { query: alice.login },
      auth.accessToken,
      'query',
    )
    const direct = await callApi<{ id: string }>(
      server!.url,
      'chats.createDirect',
      { userId: found.items[0]!.id },
      auth.accessToken,
    )
    // What Bob saw on screen was marked read on the server; the group he never opened was not.
    const bobsChats = await callApi<{ items: { id: string; unreadCount: number }[] }>(
      server!.url,
      'chats.list',
      {},
      auth.accessToken,
      'query',
    )
    expect(bobsChats.items.find((c) => c.id === direct.id)?.unreadCount).toBe(0)
    expect(bobsChats.items.find((c) => c.id !== direct.id)?.unreadCount).toBeGreaterThan(0)
    for (let i = 1; i <= 60; i++) {
      await callApi(
        server!.url,
        'messages.send',
        { chatId: direct.id, clientId: randomUUID(), text: `Seed message ${i}` },
        auth.accessToken,
      )
    }
    // A reload on the chat's address: the session and the route survive, and only the newest
    // page of history is loaded.
    await alice.page.goto(`/chats/${direct.id}`)
    const log = messageLog(alice)
    await log.getByText('Seed message 60', { exact: true }).waitFor()
    await expect(log.getByText('Hello Bob, wonderful weather today').count()).resolves.toBe(0)
    const anchor = log.getByText('Seed message 12', { exact: true })
    // Near the top but not yet where older pages load; then a little further up, which loads one.
    await log.evaluate((el) => (el.scrollTop = 450))
    await anchor.waitFor()
    const before = await log.evaluate((el) => {
      el.scrollTop = 350
      const target = [...el.querySelectorAll('p.text')].find(
        (p) => p.textContent === 'Seed message 12',
      )
      return target!.getBoundingClientRect().top
    })
    // The older page arrives above: what was on screen stays where it was.
    await expect.poll(() => log.locator('.older').count()).toBe(0)
    await expect
      .poll(async () =>
        Math.abs((await anchor.evaluate((el) => el.getBoundingClientRect().top)) - before),
      )
      .toBeLessThan(2)
    // Only what is on screen is drawn (the history is virtualized); scrolling up shows the rest.
    expect(await log.locator('li').count()).toBeLessThan(60)
    await log.evaluate((el) => (el.scrollTop = 0))
    await log.getByText('Hello Bob, wonderful weather today').waitFor()
    await shot(alice.page, 'desktop-history')
    // Back at the end by the jump button.
    await alice.page.getByRole('button', { name: new RegExp(alice.t('jumpToLatest')) }).click()
    await log.getByText('Seed message 60', { exact: true }).waitFor()

    // A draft stays with its chat across switching chats and a reload; addresses become safe links.
    const box = alice.page.getByRole('textbox', { name: alice.t('messageInput') })
    await box.fill('half-written thought')
    await openChatNamed(alice, 'Project Team')
    await expect(box.inputValue()).resolves.toBe('')
    await alice.page.goto(`/chats/${direct.id}`)
    await expect.poll(() => box.inputValue()).toBe('half-written thought')
    await box.fill('see https://example.com/docs?x=1.')
    await box.press('Enter')
    const link = log.getByRole('link', { name: 'https://example.com/docs?x=1' })
    await expect(link.getAttribute('rel')).resolves.toBe('noopener noreferrer')
    await expect(link.getAttribute('href')).resolves.toBe('https://example.com/docs?x=1')
  }, 60_000)

  it('edits and deletes own messages; images also come by drop and paste', async () => {
    const alice = person('alice')
    const bob = person('bob')
    await sendText(alice, 'Thsi has a typo')
    const mine = messageLog(alice).locator('.msg', { hasText: 'Thsi has a typo' })
    await mine.getByRole('button', { name: alice.t('messageActions') }).click()
    await mine.getByRole('button', { name: alice.t('edit'), exact: true }).click()
    const box = alice.page.getByRole('textbox', { name: alice.t('messageInput') })
    // The composer takes the text on the render after the click.
    await expect.poll(() => box.inputValue()).toBe('Thsi has a typo')
    await box.fill('This is fixed')
    await box.press('Enter')
    const fixed = messageLog(bob).locator('.msg', { hasText: 'This is fixed' })
    await fixed.getByText(bob.t('edited')).waitFor()

    alice.page.once('dialog', (d) => void d.accept())
    const edited = messageLog(alice).locator('.msg', { hasText: 'This is fixed' })
    await edited.getByRole('button', { name: alice.t('messageActions') }).click()
    await edited.getByRole('button', { name: alice.t('deleteForEveryone'), exact: true }).click()
    await messageLog(bob).getByText(bob.t('deletedMessage')).waitFor()
    await expect(messageLog(bob).getByText('This is fixed').count()).resolves.toBe(0)

    // Bob drops one image on the chat and pastes another into the message box.
    const dropped = await drawPng(bob.page, 'drop', 600, 400)
    const pasted = await drawPng(bob.page, 'paste', 400, 600)
    const transfer = (b64: string, name: string) =>
      bob.page.evaluateHandle(
        ({ b64, name }) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
          const dt = new DataTransfer()
          dt.items.add(new File([bytes], name, { type: 'image/png' }))
          return dt
        },
        { b64, name },
      )
    await bob.page.dispatchEvent('section.chat-view', 'drop', {
      dataTransfer: await transfer(dropped, 'drop.png'),
    })
    const pasteData = await transfer(pasted, 'paste.png')
    await bob.page.getByRole('textbox', { name: bob.t('messageInput') }).evaluate((el, dt) => {
      el.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }),
      )
    }, pasteData)
    await bob.page.getByRole('img', { name: 'paste.png' }).waitFor()
    const send = bob.page.getByRole('button', { name: bob.t('send') })
    await expect.poll(() => send.isEnabled(), { timeout: 20_000 }).toBe(true)
    await shot(bob.page, 'phone-attachments')
    await send.click()
    const last = messageLog(alice).locator('.msg').last()
    await expect
      .poll(() => last.getByRole('button', { name: alice.t('openImage') }).count(), {
        timeout: 20_000,
      })
      .toBe(2)
  }, 60_000)

  it('hiding a personal chat takes it out of the list until the next message', async () => {
    const alice = person('alice')
    const bob = person('bob')
    const aliceName = `${alice.first} ${alice.last}`
    const chats = bob.page.getByRole('navigation', { name: bob.t('chatList') })
    await bob.page.getByRole('button', { name: bob.t('chatInfo') }).click()
    const info = bob.page.getByRole('dialog', { name: bob.t('chatInfo') })
    await info.getByText(bob.t('hideChatHint', { name: aliceName })).waitFor()
    await shot(bob.page, 'phone-personal-chat-info')
    bob.page.once('dialog', (d) => void d.accept())
    await info.getByRole('button', { name: bob.t('hideChat') }).click()
    await chats.getByRole('link', { name: /Project Team/ }).waitFor()
    await expect
      .poll(() => chats.getByRole('link', { name: new RegExp(aliceName) }).count())
      .toBe(0)
    // Alice is not told: her chat with Bob stays as it was, and her next message brings it back.
    await sendText(alice, 'Still there?')
    const back = chats.getByRole('link', { name: new RegExp(aliceName) })
    await back.waitFor()
    await back.getByText(bob.t('unread', { count: 1 })).waitFor()
    await back.click()
    await messageLog(bob).getByText('Still there?').waitFor()
  }, 60_000)

  it('says which picked files were refused and why; a removed member is told and sent back', async () => {
    const alice = person('alice')
    const bob = person('bob')
    // Twelve files picked at once: ten are attached, one of them is no image at all.
    const png = Buffer.from(await drawPng(alice.page, 'x', 48, 48), 'base64')
    const files = Array.from({ length: 12 }, (_, i) =>
      i === 0
        ? { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just some text') }
        : { name: `pic-${i}.png`, mimeType: 'image/png', buffer: png },
    )
    await alice.page.getByTestId('file-input').setInputFiles(files)
    await alice.page.getByText(alice.t('notAttached', { count: 2, max: 10 })).waitFor()
    await alice.page.getByText(alice.t('uploadCorrupt', { name: 'notes.png' })).waitFor({
      timeout: 20_000,
    })
    // The refused file shows no (broken) preview.
    expect(await alice.page.getByRole('img', { name: 'notes.png' }).count()).toBe(0)
    await shot(alice.page, 'desktop-upload-refused')
    await alice.page.reload()

    // Bob, on his phone, has the group open when its owner removes him.
    await bob.page.getByRole('button', { name: bob.t('back') }).click()
    await openChatNamed(bob, 'Project Team')
    await alice.page.goto('/')
    await openChatNamed(alice, 'Project Team')
    await alice.page.getByRole('button', { name: alice.t('groupSettings') }).click()
    const settings = alice.page.getByRole('dialog', { name: alice.t('groupSettings') })
    await settings
      .getByRole('button', { name: alice.t('removeMember', { name: `${bob.first} ${bob.last}` }) })
      .click()
    await settings.getByText(alice.t('membersCount', { count: 2 })).waitFor()
    await alice.page.keyboard.press('Escape')
    await bob.page
      .getByRole('status')
      .getByText(bob.t('removedFromChat', { title: 'Project Team' }))
      .waitFor()
    await bob.page.getByRole('heading', { name: bob.t('chats') }).waitFor()
    expect(await bob.page.getByRole('link', { name: /Project Team/ }).count()).toBe(0)
    await shot(bob.page, 'phone-removed')
    await bob.page.getByRole('button', { name: bob.t('dismiss') }).click()
  }, 60_000)

  it('keeps the session over a reload; logout ends it', async () => {
    const alice = person('alice')
    await alice.page.reload()
    await alice.page.getByRole('heading', { name: alice.t('chats') }).waitFor()
    // A second session (another device), which Alice ends from the settings page.
    const other = await callApi<{ refreshToken: string }>(server!.url, 'auth.login', {
      login: alice.login,
      passwordHash: createHash('sha256').update('correct horse battery').digest('hex'),
    })
    await alice.page.getByRole('button', { name: alice.t('settings'), exact: true }).click()
    await alice.page.getByText(alice.t('thisDevice')).waitFor()
    const end = alice.page.getByRole('button', { name: new RegExp(`^${alice.t('endSession')}`) })
    await expect.poll(() => end.count()).toBe(1)
    await end.click()
    await expect.poll(() => end.count()).toBe(0)
    await expect(
      callApi(server!.url, 'auth.refresh', { refreshToken: other.refreshToken }),
    ).rejects.toThrow()
    await shot(alice.page, 'desktop-settings')
    // Two tabs starting at the same moment both refresh with the one stored single-use token;
    // the Web Lock makes the second use the token the first stored, so the session survives.
    const tab2 = await alice.context.newPage()
    await tab2.goto('/')
    await tab2.getByRole('heading', { name: alice.t('chats') }).waitFor()
    await Promise.all([alice.page.reload(), tab2.reload()])
    await alice.page.getByText(alice.t('thisDevice')).waitFor()
    await tab2.getByRole('heading', { name: alice.t('chats') }).waitFor()
    await tab2.reload()
    await tab2.getByRole('heading', { name: alice.t('chats') }).waitFor()

    await alice.page.getByRole('button', { name: alice.t('logout') }).click()
    await alice.page.getByRole('heading', { name: alice.t('signIn') }).waitFor()
    // The other tab follows.
    await tab2.getByRole('heading', { name: alice.t('signIn') }).waitFor()
    await tab2.close()
    expect(await alice.page.evaluate(() => localStorage.getItem('messenger.refreshToken'))).toBe(
      null,
    )
    await alice.page.reload()
    await alice.page.getByRole('heading', { name: alice.t('signIn') }).waitFor()

    // Signing in again by email works and shows the same chats.
    await alice.page.getByLabel(alice.t('loginOrEmail')).fill(`${alice.login}@example.com`)
    await alice.page.getByLabel(alice.t('password')).fill('correct horse battery')
    await alice.page.getByRole('button', { name: alice.t('signIn') }).click()
    // Anchored: a group's preview may name him too ("Alice added Борис").
    await alice.page.getByRole('link', { name: new RegExp(`^${person('bob').first}`) }).waitFor()
    await shot(alice.page, 'desktop-chat-list')

    // "End all other sessions" from here ends two other devices at once.
    const devices = await Promise.all(
      [1, 2].map(() =>
        callApi<{ accessToken: string; refreshToken: string }>(server!.url, 'auth.login', {
          login: alice.login,
          passwordHash: createHash('sha256').update('correct horse battery').digest('hex'),
        }),
      ),
    )
    await alice.page.getByRole('button', { name: alice.t('settings'), exact: true }).click()
    await alice.page.getByText(alice.t('currentSession'), { exact: false }).waitFor()
    await alice.page.getByRole('button', { name: alice.t('endOtherSessions') }).click()
    await alice.page.getByText(alice.t('otherSessionsEnded')).waitFor()
    for (const d of devices) {
      await expect(
        callApi(server!.url, 'auth.refresh', { refreshToken: d.refreshToken }),
      ).rejects.toThrow()
    }

    // Ended from another device, this idle tab signs out as soon as its stream says so.
    const elsewhere = await callApi<{ accessToken: string }>(server!.url, 'auth.login', {
      login: alice.login,
      passwordHash: createHash('sha256').update('correct horse battery').digest('hex'),
    })
    await callApi(server!.url, 'auth.revokeOtherSessions', undefined, elsewhere.accessToken)
    const started = Date.now()
    await alice.page.getByRole('heading', { name: alice.t('signIn') }).waitFor({ timeout: 8000 })
    expect(Date.now() - started).toBeLessThan(8000)
  }, 60_000)

  it('runs under a strict Content-Security-Policy that refused nothing the app did', async () => {
    const alice = person('alice')
    const res = await fetch(`${server!.url}/`)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self';")
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    // Every step above (sign-up, images, previews, live events, settings) ran without a violation.
    expect(policyErrors).toEqual([])
    // And the policy is enforced: an injected inline script does not run, and is reported.
    const ran = await alice.page.evaluate(async () => {
      const script = document.createElement('script')
      script.textContent = 'document.body.dataset.injected = "yes"'
      document.body.append(script)
      await new Promise((r) => setTimeout(r, 100))
      return document.body.dataset.injected === 'yes'
    })
    expect(ran).toBe(false)
    await expect.poll(() => policyErrors.length).toBeGreaterThan(0)
  }, 30_000)
})
