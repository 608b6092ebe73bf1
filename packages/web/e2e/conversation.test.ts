// @vitest-environment node
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Chat } from '@messenger/shared'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openChatNamed, peopleOf, type Person } from './people'
import { callApi, launchChromium, SCREENSHOTS, startServer, type RunningServer } from './harness'

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const suffix = Date.now().toString(36).slice(-5)

let server: RunningServer | undefined
let browser: Browser | undefined
const { people, signedIn } = peopleOf(() => ({ url: server!.url, browser: browser! }))

const sendText = async (p: Person, text: string) => {
  const box = p.page.getByRole('textbox', { name: p.t('messageInput') })
  await box.fill(text)
  await box.press('Enter')
}

const log = (p: Person) => p.page.getByRole('log', { name: p.t('messages') })
const row = (p: Person, text: string) =>
  log(p)
    .locator('.msg')
    .filter({ has: p.page.getByText(text, { exact: true }) })

/**
 * Serious and critical axe findings in the parts of the page this feature added (the rest of the
 * app is checked by its own tests).
 */
const axeFindings = async (page: Page, selectors: string[]) => {
  await page.evaluate(AXE)
  return page.evaluate(async (selectors) => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: { include: string[][] },
            o: object,
          ) => Promise<{
            violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[]
          }>
        }
      }
    ).axe
    const include = selectors.filter((s) => document.querySelector(s)).map((s) => [s])
    if (include.length === 0) return [`nothing matches ${selectors.join(', ')}`]
    const r = await axe.run({ include }, { resultTypes: ['violations'] })
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`)
  }, selectors)
}

/** Every visible button and field in `selector` is at least 44 by 44 CSS pixels. */
const smallTargets = (page: Page, selector: string) =>
  page.evaluate((selector) => {
    const out: string[] = []
    for (const root of document.querySelectorAll(selector)) {
      for (const el of root.querySelectorAll('button, input, a[href]')) {
        const r = el.getBoundingClientRect()
        if (r.width === 0 && r.height === 0) continue
        if (r.width < 44 || r.height < 44) {
          out.push(`${el.outerHTML.slice(0, 80)} ${r.width}x${r.height}`)
        }
      }
    }
    return out
  }, selector)

describe('conversation features, two people in Chromium', () => {
  let ann: Person
  let bob: Person
  let direct: Chat

  beforeAll(async () => {
    server = await startServer()
    browser = await launchChromium()
    ann = await signedIn(`ann_${suffix}`, 'Ann', 'en')
    bob = await signedIn(`bob_${suffix}`, 'Боб', 'ru')
    direct = await callApi<Chat>(server.url, 'chats.createDirect', { userId: bob.id }, ann.token)
    await openChatNamed(ann, bob.name)
    await openChatNamed(bob, ann.name)
  }, 180_000)

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return
    for (const p of people) {
      const step = task.name.replace(/\W+/g, '-').slice(0, 40)
      await p.page
        .screenshot({
          path: join(SCREENSHOTS, `conversation-failed-${step}-${p.id.slice(-4)}.png`),
        })
        .catch(() => undefined)
    }
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('reactions: set, counted, taken back and listed, live on both sides', async () => {
    expect(direct.isDirect).toBe(true)
    await sendText(ann, 'React to this, please')
    await row(bob, 'React to this, please').waitFor()

    // Bob picks 👍 from the quick set; Ann sees it at once.
    await row(bob, 'React to this, please')
      .getByRole('button', { name: bob.t('react'), exact: true })
      .click()
    expect(await axeFindings(bob.page, ['.react-menu'])).toEqual([])
    expect(await smallTargets(bob.page, '.react-menu')).toEqual([])
    await bob.page.locator('.react-menu').getByRole('button', { name: '👍' }).click()
    const annChip = row(ann, 'React to this, please').getByRole('button', {
      name: ann.t('reactionChip', { emoji: '👍', count: 1 }),
      exact: true,
    })
    await annChip.waitFor()

    // Ann adds hers by pressing the chip: two, hers pressed; clicking twice fast stays one each.
    await annChip.click()
    const two = ann.t('reactionChip', { emoji: '👍', count: 2 })
    await row(ann, 'React to this, please')
      .getByRole('button', { name: ann.t('reactionMine', { label: two }) })
      .waitFor()
    await row(bob, 'React to this, please')
      .getByRole('button', {
        name: bob.t('reactionMine', { label: bob.t('reactionChip', { emoji: '👍', count: 2 }) }),
      })
      .waitFor()

    // Any single emoji through the field; text is refused with a message.
    await row(ann, 'React to this, please')
      .getByRole('button', { name: ann.t('react'), exact: true })
      .click()
    const field = ann.page.getByLabel(ann.t('anyEmoji'))
    await field.fill('hi')
    await ann.page.getByRole('button', { name: ann.t('addEmoji') }).click()
    await ann.page.getByText(ann.t('notOneEmoji')).waitFor()
    await field.fill('🦄')
    await ann.page.getByRole('button', { name: ann.t('addEmoji') }).click()
    await row(bob, 'React to this, please')
      .getByRole('button', { name: bob.t('reactionChip', { emoji: '🦄', count: 1 }), exact: true })
      .waitFor()
    expect(await smallTargets(ann.page, '.reactions')).toEqual([])

    // Who reacted: Bob opens the list and sees both names under 👍.
    await row(bob, 'React to this, please')
      .getByRole('button', { name: bob.t('react'), exact: true })
      .click()
    await bob.page.getByRole('button', { name: bob.t('whoReacted') }).click()
    const dialog = bob.page.getByRole('dialog', { name: bob.t('whoReacted') })
    await dialog.getByText(ann.name).waitFor()
    await dialog.getByText(bob.name).waitFor()
    expect(await axeFindings(bob.page, ['dialog[open]', '.reactions'])).toEqual([])
    await dialog.getByRole('button', { name: bob.t('close') }).click()

    // Ann takes hers back: Bob's count drops live.
    await row(ann, 'React to this, please')
      .getByRole('button', { name: ann.t('reactionMine', { label: two }) })
      .click()
    await row(bob, 'React to this, please')
      .getByRole('button', {
        name: bob.t('reactionMine', { label: bob.t('reactionChip', { emoji: '👍', count: 1 }) }),
      })
      .waitFor()
    // After a reload the counts come from the history page itself.
    await bob.page.reload()
    await openChatNamed(bob, ann.name)
    await row(bob, 'React to this, please')
      .getByRole('button', { name: bob.t('reactionChip', { emoji: '🦄', count: 1 }), exact: true })
      .waitFor()
  }, 90_000)

  it('typing: shown in the chat and the list while the other types, gone when the message comes', async () => {
    const box = bob.page.getByRole('textbox', { name: bob.t('messageInput') })
    await box.pressSequentially('I am writing', { delay: 30 })
    const typing = ann.t('typingOne', { name: 'Боб' })
    await ann.page.locator('.chat-head').getByText(typing).waitFor()
    await ann.page
      .getByRole('navigation', { name: ann.t('chatList') })
      .getByText(typing)
      .waitFor()
    expect(await axeFindings(ann.page, ['.chat-head', '.chat-list'])).toEqual([])
    await box.press('Enter')
    await row(ann, 'I am writing').waitFor()
    await expect.poll(() => ann.page.getByText(typing).count()).toBe(0)
    // Typing that stops without a message expires on its own. (The server passes on one
    // announcement a second per person and chat.)
    await new Promise((r) => setTimeout(r, 1100))
    await box.pressSequentially('and then', { delay: 30 })
    await ann.page.locator('.chat-head').getByText(typing).waitFor()
    await expect.poll(() => ann.page.getByText(typing).count(), { timeout: 10_000 }).toBe(0)
    await box.fill('')
  }, 60_000)

  it('read receipts: one tick sent, two read in a personal chat; seen by N with the list in a group', async () => {
    // Bob looks elsewhere (the tab hidden), so Ann's message stays unread.
    await bob.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true })
      document.dispatchEvent(new Event('visibilitychange'))
    })
    await sendText(ann, 'Did you read this?')
    await row(ann, 'Did you read this?')
      .getByRole('img', { name: ann.t('tickSent') })
      .waitFor()
    await row(bob, 'Did you read this?').waitFor()
    await bob.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
      document.dispatchEvent(new Event('visibilitychange'))
    })
    await row(ann, 'Did you read this?')
      .getByRole('img', { name: ann.t('tickRead') })
      .waitFor()

    const group = await callApi<Chat>(
      server!.url,
      'chats.createGroup',
      { title: 'Receipts group', memberIds: [bob.id] },
      ann.token,
    )
    expect(group.isDirect).toBe(false)
    await openChatNamed(ann, 'Receipts group')
    await sendText(ann, 'Group news')
    await row(ann, 'Group news')
      .getByRole('img', { name: ann.t('tickSent') })
      .waitFor()
    await openChatNamed(bob, 'Receipts group')
    const seen = row(ann, 'Group news').getByRole('button', { name: ann.t('seenBy', { count: 1 }) })
    await seen.waitFor()
    expect(await smallTargets(ann.page, '.msg .meta')).toEqual([])
    await seen.click()
    const dialog = ann.page.getByRole('dialog', { name: ann.t('seenByList') })
    await dialog.getByText(bob.name).waitFor()
    expect(await axeFindings(ann.page, ['dialog[open]', '.msg .meta'])).toEqual([])
    await dialog.getByRole('button', { name: ann.t('close') }).click()
  }, 60_000)
})
