// @vitest-environment node
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Chat } from '@messenger/shared'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { chatLink, openChatNamed, peopleOf, register, type Person } from './people'
import { callApi, launchChromium, SCREENSHOTS, startServer, type RunningServer } from './harness'

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const suffix = Date.now().toString(36).slice(-5)
/** Going offline is told after a 5 s grace period: wait well beyond it on a busy machine. */
const SLOW = { timeout: 30_000 }

let server: RunningServer | undefined
let browser: Browser | undefined
const { people, signedIn } = peopleOf(() => ({ url: server!.url, browser: browser! }), {
  timeoutMs: 15_000,
})

/** The presence line under a personal chat's title ('' when it shows none). */
const headerPresence = async (p: Person) => {
  const el = p.page.locator('.chat-head .presence-status')
  return (await el.count()) === 0 ? '' : ((await el.textContent()) ?? '')
}

const axeFindings = async (page: Page, selectors: string[]) => {
  await page.evaluate(AXE)
  return page.evaluate(async (selectors) => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: { include: string[][] },
            o: object,
          ) => Promise<{ violations: { id: string; impact: string | null; nodes: unknown[] }[] }>
        }
      }
    ).axe
    const include = selectors.filter((s) => document.querySelector(s)).map((s) => [s])
    if (include.length === 0) return [`nothing matches ${selectors.join(', ')}`]
    const r = await axe.run({ include }, { resultTypes: ['violations'] })
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id)
  }, selectors)
}

describe('presence and system messages, two people in Chromium', () => {
  let ann: Person
  let bob: Person

  beforeAll(async () => {
    server = await startServer()
    browser = await launchChromium()
    ann = await signedIn(`ann_${suffix}`, 'Ann', 'en')
    bob = await signedIn(`bob_${suffix}`, 'Боб', 'ru')
    await callApi<Chat>(server.url, 'chats.createDirect', { userId: bob.id }, ann.token)
    await openChatNamed(ann, bob.name)
  }, 180_000)

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return
    for (const p of people) {
      const step = task.name.replace(/\W+/g, '-').slice(0, 40)
      await p.page
        .screenshot({ path: join(SCREENSHOTS, `presence-failed-${step}-${p.id.slice(-4)}.png`) })
        .catch(() => undefined)
    }
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('presence: online, last seen after the other leaves, online again, hidden by choice', async () => {
    // Bob's tab is open: Ann sees him online in the header and on the list's avatar.
    await expect.poll(() => headerPresence(ann), SLOW).toBe(ann.t('online'))
    await expect.poll(() => chatLink(ann, bob.name).locator('.presence-dot').count(), SLOW).toBe(1)
    await expect
      .poll(() =>
        chatLink(ann, bob.name)
          .locator('.visually-hidden', { hasText: ann.t('online') })
          .count(),
      )
      .toBe(1)
    expect(await axeFindings(ann.page, ['.chat-view .bar', '.chat-list'])).toEqual([])

    // A second tab of Bob's changes nothing; closing both makes him "last seen just now".
    const second = await bob.context.newPage()
    await second.goto('/')
    await second.getByRole('heading', { name: bob.t('chats') }).waitFor()
    await second.close()
    await new Promise((r) => setTimeout(r, 1000))
    expect(await headerPresence(ann)).toBe(ann.t('online'))
    await bob.page.close()
    await expect.poll(() => headerPresence(ann), SLOW).toBe(ann.t('lastSeenJustNow'))
    expect(await chatLink(ann, bob.name).locator('.presence-dot').count()).toBe(0)

    // Back: online again, live.
    bob.page = await bob.context.newPage()
    await bob.page.goto('/')
    await bob.page.getByRole('heading', { name: bob.t('chats') }).waitFor()
    await expect.poll(() => headerPresence(ann), SLOW).toBe(ann.t('online'))

    // Bob sees Ann in Russian.
    await openChatNamed(bob, ann.name)
    await expect.poll(() => headerPresence(bob), SLOW).toBe(bob.t('online'))

    // Bob hides his: Ann sees neither online nor last seen, and Bob no longer sees Ann's.
    await bob.page.getByRole('button', { name: bob.t('settings'), exact: true }).click()
    const hide = bob.page.getByRole('switch', { name: bob.t('hidePresence') })
    await expect.poll(() => hide.getAttribute('aria-checked')).toBe('false')
    expect(await axeFindings(bob.page, ['[aria-labelledby=privacy-h]'])).toEqual([])
    await hide.click()
    await expect.poll(() => hide.getAttribute('aria-checked')).toBe('true')
    await expect.poll(() => headerPresence(ann), SLOW).toBe('')
    expect(await chatLink(ann, bob.name).locator('.presence-dot').count()).toBe(0)
    await openChatNamed(bob, ann.name)
    await expect.poll(() => headerPresence(bob), SLOW).toBe('')

    // Shown again: both see each other once more.
    await bob.page.getByRole('button', { name: bob.t('settings'), exact: true }).click()
    await bob.page.getByRole('switch', { name: bob.t('hidePresence') }).click()
    await expect
      .poll(() =>
        bob.page.getByRole('switch', { name: bob.t('hidePresence') }).getAttribute('aria-checked'),
      )
      .toBe('false')
    await expect.poll(() => headerPresence(ann), SLOW).toBe(ann.t('online'))
    await openChatNamed(bob, ann.name)
    await expect.poll(() => headerPresence(bob), SLOW).toBe(bob.t('online'))
  }, 180_000)

  it('system messages: the group’s story, live and translated for each reader, never unread', async () => {
    const carl = await register(server!.url, `carl_${suffix}`, 'Carl')
    const group = await callApi<Chat>(
      server!.url,
      'chats.createGroup',
      { title: 'Birds', memberIds: [bob.id] },
      ann.token,
    )
    await openChatNamed(ann, 'Birds')
    await openChatNamed(bob, 'Birds')
    const line = (p: Person, text: string) =>
      p.page.getByRole('log', { name: p.t('messages') }).locator('.system-line', { hasText: text })
    await line(ann, ann.t('sysCreatedMe', { title: 'Birds' })).waitFor()
    await line(bob, bob.t('sysCreated', { actor: ann.name, title: 'Birds' })).waitFor()

    // Live, as Ann changes the group.
    await callApi(
      server!.url,
      'chats.addMembers',
      { chatId: group.id, userIds: [carl.user.id] },
      ann.token,
    )
    await line(bob, bob.t('sysAdded', { actor: ann.name, names: 'Carl Tester' })).waitFor()
    await line(ann, ann.t('sysAddedMe', { names: 'Carl Tester' })).waitFor()
    await callApi(server!.url, 'chats.rename', { chatId: group.id, title: 'Seabirds' }, ann.token)
    await line(bob, bob.t('sysRenamed', { actor: ann.name, title: 'Seabirds' })).waitFor()
    await callApi(
      server!.url,
      'chats.removeMember',
      { chatId: group.id, userId: carl.user.id },
      ann.token,
    )
    await line(bob, bob.t('sysRemoved', { actor: ann.name, names: 'Carl Tester' })).waitFor()
    // No actions on a line of history: nothing to edit, delete, react to or answer.
    const log = bob.page.getByRole('log', { name: bob.t('messages') })
    expect(await log.locator('.system-line button').count()).toBe(0)
    expect(await log.locator('.msg').count()).toBe(0)
    expect(await axeFindings(bob.page, ['.messages'])).toEqual([])

    // Bob leaves through the API; Ann reads it in the list's preview, with no unread badge.
    await openChatNamed(ann, bob.name)
    await callApi(server!.url, 'chats.leave', { chatId: group.id }, bob.token)
    const preview = chatLink(ann, 'Seabirds')
    await preview.getByText(ann.t('sysLeft', { actor: bob.name })).waitFor()
    expect(await preview.locator('.badge').count()).toBe(0)
  }, 180_000)
})
