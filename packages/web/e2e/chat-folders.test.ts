// @vitest-environment node
import { createHash, randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { translate, type MessageKey } from '../src/lib/i18n'
import { callApi, launchChromium, SCREENSHOTS, startServer, type RunningServer } from './harness'
import { axeFindings, smallTargets } from './page-checks'

/**
 * Pin, mute and archive from the chat list, as a person does it in two tabs at once: the order,
 * the flags, the tab title's count, the archive and its way back, all live in the other tab.
 */

const PASSWORD = 'correct horse battery'
const passwordHash = createHash('sha256').update(PASSWORD).digest('hex')
const t = (key: MessageKey, vars?: Record<string, string | number>) => translate('en', key, vars)
const suffix = Date.now().toString(36).slice(-5)

let server: RunningServer | undefined
let browser: Browser | undefined

const api = <T>(procedure: string, input: unknown, token?: string) =>
  callApi<T>(server!.url, procedure, input, token)

const account = async (name: string) => {
  const login = `${name}_${suffix}`
  await api('auth.register', {
    login,
    passwordHash,
    email: `${login}@example.com`,
    firstName: name,
    lastName: 'Tester',
  })
  const auth = await api<{ accessToken: string; user: { id: string } }>('auth.login', {
    login,
    passwordHash,
  })
  return { ...auth, login }
}

const signIn = async (login: string, width: number) => {
  const context = await browser!.newContext({
    viewport: { width, height: 740 },
    locale: 'en-US',
    baseURL: server!.url,
  })
  context.setDefaultTimeout(10_000)
  const page = await context.newPage()
  await page.goto('/')
  await page.getByLabel(t('loginOrEmail')).fill(login)
  await page.getByLabel(t('password')).fill(PASSWORD)
  await page.getByRole('button', { name: t('signIn') }).click()
  await page.getByRole('navigation', { name: t('chatList') }).waitFor()
  return page
}

/** Chat titles in the list as shown, top to bottom. */
const listed = (page: Page) => page.locator('.chat-list .chat-title').allTextContents()

const choose = async (page: Page, title: string, action: MessageKey) => {
  await page.getByRole('button', { name: t('chatActions', { title }) }).click()
  await page.getByRole('menuitem', { name: t(action) }).click()
}

describe('chat list and composer conveniences in Chromium', () => {
  beforeAll(async () => {
    server = await startServer()
    browser = await launchChromium()
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('orders, flags, counts and archives as chosen, in both tabs', async () => {
    const ann = await account('ann')
    const bob = await account('bob')
    const chats: Record<string, string> = {}
    for (const title of ['Alpha', 'Beta', 'Gamma']) {
      const c = await api<{ id: string }>(
        'chats.createGroup',
        { title, memberIds: [bob.user.id] },
        ann.accessToken,
      )
      chats[title] = c.id
    }
    for (const title of ['Alpha', 'Beta', 'Gamma']) {
      await api(
        'messages.send',
        { chatId: chats[title], clientId: randomUUID(), text: `news in ${title}` },
        bob.accessToken,
      )
    }
    const desk = await signIn(ann.login, 1280)
    const phone = await signIn(ann.login, 360)
    for (const page of [desk, phone]) {
      await expect.poll(() => listed(page)).toEqual(['Gamma', 'Beta', 'Alpha'])
      await expect.poll(() => page.title()).toBe(`(3) ${t('appName')}`)
    }

    // Pinned goes to the top with its flag; the phone tab follows live.
    await choose(desk, 'Alpha', 'pin')
    for (const page of [desk, phone]) {
      await expect.poll(() => listed(page)).toEqual(['Alpha', 'Gamma', 'Beta'])
    }
    await desk.screenshot({ path: join(SCREENSHOTS, 'desktop-chat-list-pinned.png') })
    await expect(
      desk.locator('.chat-row', { hasText: 'Alpha' }).getByText(t('pinned')).count(),
    ).resolves.toBe(1)

    // Muted: its unread stay on its row, quietly, and leave the title's count.
    await choose(phone, 'Beta', 'mute')
    for (const page of [desk, phone]) {
      await expect.poll(() => page.title()).toBe(`(2) ${t('appName')}`)
    }
    await expect
      .poll(() => desk.locator('.chat-row', { hasText: 'Beta' }).locator('.badge.quiet').count())
      .toBe(1)

    // The open menu passes the same checks as every screen.
    await desk.getByRole('button', { name: t('chatActions', { title: 'Gamma' }) }).click()
    await desk.getByRole('menuitem', { name: t('archiveChat') }).waitFor()
    expect(await axeFindings(desk)).toEqual([])
    expect(await smallTargets(phone, 44)).toEqual([])
    await desk.getByRole('menuitem', { name: t('archiveChat') }).click()

    // Archived: out of the list, behind the archive row with its unread count; and back again.
    for (const page of [desk, phone]) {
      await expect.poll(() => listed(page)).toEqual(['Alpha', 'Beta'])
    }
    const archiveRow = phone.getByRole('button', { name: new RegExp(t('archive')) })
    await expect(archiveRow.textContent()).resolves.toContain(t('chatCount', { count: 1 }))
    await archiveRow.click()
    await phone.getByRole('navigation', { name: t('archiveList') }).waitFor()
    await expect.poll(() => listed(phone)).toEqual(['Gamma'])
    expect(await axeFindings(phone)).toEqual([])
    await choose(phone, 'Gamma', 'unarchive')
    // The archive emptied: the main list shows again, with Gamma back in it.
    await expect.poll(() => listed(phone)).toEqual(['Alpha', 'Gamma', 'Beta'])
    await expect.poll(() => listed(desk)).toEqual(['Alpha', 'Gamma', 'Beta'])
    await expect(
      desk.getByRole('button', { name: new RegExp(t('archive')) }).count(),
    ).resolves.toBe(0)

    // A reload keeps it all: it is stored, not only remembered by the tab.
    await desk.reload()
    await expect.poll(() => listed(desk)).toEqual(['Alpha', 'Gamma', 'Beta'])
    await expect.poll(() => desk.title()).toBe(`(2) ${t('appName')}`)
  }, 120_000)

  it('edits the newest own message with ↑ in an empty composer, live for the other person', async () => {
    const ann = await account('ann2')
    const bob = await account('bob2')
    await api('chats.createDirect', { userId: bob.user.id }, ann.accessToken)
    const annPage = await signIn(ann.login, 1280)
    const bobPage = await signIn(bob.login, 360)
    for (const page of [annPage, bobPage]) {
      await page.locator('.chat-list a').first().click()
    }
    const box = annPage.getByRole('textbox', { name: t('messageInput') })
    const bobLog = bobPage.getByRole('log', { name: t('messages') })
    await box.fill('See you at 5')
    await box.press('Enter')
    await bobLog.getByText('See you at 5').waitFor()
    await box.press('ArrowUp')
    await annPage.getByText(t('editing')).waitFor()
    await expect.poll(() => box.inputValue()).toBe('See you at 5')
    await box.fill('See you at 6')
    await box.press('Enter')
    await bobLog.getByText('See you at 6').waitFor()
    await expect(bobLog.getByText('See you at 5').count()).resolves.toBe(0)
    await expect.poll(() => box.inputValue()).toBe('')
  }, 120_000)

  it('pins messages for the whole group: the owner pins, everyone sees the bar live and cycles it', async () => {
    const ann = await account('ann3')
    const bob = await account('bob3')
    const group = await api<{ id: string }>(
      'chats.createGroup',
      { title: 'Pins', memberIds: [bob.user.id] },
      ann.accessToken,
    )
    for (const text of ['Meeting at 10 in room 4', 'Small talk', 'Wifi password: hunter22']) {
      await api(
        'messages.send',
        { chatId: group.id, clientId: randomUUID(), text },
        bob.accessToken,
      )
    }
    const annPage = await signIn(ann.login, 1280)
    const bobPage = await signIn(bob.login, 360)
    for (const page of [annPage, bobPage]) await page.locator('.chat-list a').first().click()
    const annLog = annPage.getByRole('log', { name: t('messages') })
    const bobBar = bobPage.getByRole('region', { name: t('pinnedMessages') })

    const pin = async (text: string) => {
      const bubble = annLog.locator('.msg', { hasText: text })
      await bubble.getByRole('button', { name: t('messageActions') }).click()
      await bubble.getByRole('button', { name: t('pinMessage'), exact: true }).click()
    }
    await pin('Meeting at 10 in room 4')
    await bobBar.getByText('Meeting at 10 in room 4').waitFor()
    await pin('Wifi password: hunter22')
    await bobBar.getByText(t('pinnedOf', { n: 1, count: 2 })).waitFor()
    await bobBar.getByText('Wifi password: hunter22').waitFor()
    await bobPage.screenshot({ path: join(SCREENSHOTS, 'phone-pinned-bar.png') })
    expect(await axeFindings(bobPage)).toEqual([])
    expect(await smallTargets(bobPage, 44)).toEqual([])

    // Bob may not pin or unpin in Ann's group: no such item, no ✕.
    const bobLog = bobPage.getByRole('log', { name: t('messages') })
    await bobLog
      .locator('.msg', { hasText: 'Small talk' })
      .getByRole('button', { name: t('messageActions') })
      .click()
    await expect(
      bobPage.getByRole('button', { name: t('pinMessage'), exact: true }).count(),
    ).resolves.toBe(0)
    await bobPage.keyboard.press('Escape')
    await expect(bobBar.getByRole('button', { name: t('unpinMessage') }).count()).resolves.toBe(0)

    // A click shows the pinned message and moves on to the next older pin.
    await bobBar.getByRole('button', { name: /Wifi password/ }).click()
    await expect.poll(() => new URL(bobPage.url()).searchParams.get('message')).not.toBeNull()
    await bobBar.getByText(t('pinnedOf', { n: 2, count: 2 })).waitFor()
    await bobBar.getByText('Meeting at 10 in room 4').waitFor()

    // Ann unpins from her bar; Bob's bar follows, then goes when the last pin goes.
    const annBar = annPage.getByRole('region', { name: t('pinnedMessages') })
    await annBar.getByRole('button', { name: t('unpinMessage') }).click()
    await bobBar.getByText(t('pinnedMessage'), { exact: true }).waitFor()
    await annBar.getByRole('button', { name: t('unpinMessage') }).click()
    await expect.poll(() => bobBar.count()).toBe(0)
  }, 120_000)

  it('replies with a quote that shows the answered message, live for the other person', async () => {
    const ann = await account('ann4')
    const bob = await account('bob4')
    const chat = await api<{ id: string }>(
      'chats.createDirect',
      { userId: bob.user.id },
      ann.accessToken,
    )
    const question = await api<{ id: string }>(
      'messages.send',
      { chatId: chat.id, clientId: randomUUID(), text: 'Lunch at noon?\nOr later' },
      ann.accessToken,
    )
    for (let i = 0; i < 3; i++) {
      await api(
        'messages.send',
        { chatId: chat.id, clientId: randomUUID(), text: `filler ${i}` },
        ann.accessToken,
      )
    }
    const annPage = await signIn(ann.login, 1280)
    const bobPage = await signIn(bob.login, 360)
    for (const page of [annPage, bobPage]) await page.locator('.chat-list a').first().click()
    const bobLog = bobPage.getByRole('log', { name: t('messages') })
    const annLog = annPage.getByRole('log', { name: t('messages') })

    const asked = bobLog.locator('.msg', { hasText: 'Lunch at noon?' })
    await asked.getByRole('button', { name: t('messageActions') }).click()
    await bobPage.getByRole('button', { name: t('reply'), exact: true }).click()
    await bobPage.getByText(t('replyingTo', { name: 'ann4 Tester' })).waitFor()
    const box = bobPage.getByRole('textbox', { name: t('messageInput') })
    await box.fill('Noon works')
    await box.press('Enter')
    // The bar goes once sent; both see the quote: sender and first line only.
    await expect
      .poll(() => bobPage.getByText(t('replyingTo', { name: 'ann4 Tester' })).count())
      .toBe(0)
    const answer = annLog.locator('.msg', { hasText: 'Noon works' })
    const quote = answer.getByRole('button', { name: /ann4 Tester\s*Lunch at noon\?/ })
    await quote.waitFor()
    await expect(quote.textContent()).resolves.toBe(`${t('inReplyTo')} ann4 TesterLunch at noon?`)
    expect(await axeFindings(annPage)).toEqual([])
    await quote.click()
    await expect.poll(() => new URL(annPage.url()).searchParams.get('message')).toBe(question.id)
  }, 120_000)
})
