// @vitest-environment node
import { join } from 'node:path'
import type { Chat, Message } from '@messenger/shared'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { chatList, openChatNamed, peopleOf, type Person } from './people'
import { callApi, launchChromium, SCREENSHOTS, startServer, type RunningServer } from './harness'
import { axeFindings } from './page-checks'

/** Mentions, forwards and "delete for me" (#13), two people live in Chromium. */

const suffix = Date.now().toString(36).slice(-5)

let server: RunningServer | undefined
let browser: Browser | undefined
const { people, signedIn } = peopleOf(() => ({ url: server!.url, browser: browser! }))

const composer = (p: Person, page = p.page) =>
  page.getByRole('textbox', { name: p.t('messageInput') })
const log = (p: Person, page = p.page) => page.getByRole('log', { name: p.t('messages') })
const row = (p: Person, text: string, page = p.page) =>
  log(p, page).locator('.msg').filter({ hasText: text })

/** A real PNG drawn by the browser's canvas, uploaded as `who` through the HTTP API. */
const uploadPng = async (who: Person) => {
  const b64 = await who.page.evaluate(() => {
    const canvas = document.createElement('canvas')
    canvas.width = 320
    canvas.height = 200
    const g = canvas.getContext('2d')!
    g.fillStyle = '#2f6fde'
    g.fillRect(0, 0, 320, 200)
    return canvas.toDataURL('image/png').split(',')[1]!
  })
  const form = new FormData()
  form.append('file', new Blob([Buffer.from(b64, 'base64')], { type: 'image/png' }), 'trip.png')
  const res = await fetch(`${server!.url}/api/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who.token}` },
    body: form,
  })
  return ((await res.json()) as { image: { id: string } }).image.id
}

describe('mentions, forward and delete for me, two people in Chromium', () => {
  let ann: Person
  let bob: Person
  let group: Chat
  const groupTitle = `Plans ${suffix}`

  beforeAll(async () => {
    server = await startServer()
    browser = await launchChromium()
    ann = await signedIn(`ann_${suffix}`, 'Ann', 'en')
    bob = await signedIn(`bob_${suffix}`, 'Боб', 'ru')
    await callApi<Chat>(server.url, 'chats.createDirect', { userId: bob.id }, ann.token)
    group = await callApi<Chat>(
      server.url,
      'chats.createGroup',
      { title: groupTitle, memberIds: [bob.id] },
      ann.token,
    )
    // Bob mutes the group: a mention must reach him anyway.
    await callApi(server.url, 'chats.setPreferences', { chatId: group.id, muted: true }, bob.token)
    await bob.page.reload()
    await openChatNamed(bob, ann.name)
  }, 180_000)

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return
    for (const p of people) {
      const step = task.name.replace(/\W+/g, '-').slice(0, 40)
      await p.page
        .screenshot({ path: join(SCREENSHOTS, `mentions-failed-${step}-${p.id.slice(-4)}.png`) })
        .catch(() => undefined)
    }
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('mentions: autocomplete by keyboard, a highlight, an @ badge and the title even when muted', async () => {
    await openChatNamed(ann, groupTitle)
    const box = composer(ann)
    await box.click()
    // `@` and the start of a login: the list offers Bob; Escape closes it, typing opens it again.
    await box.pressSequentially(`Hi @${bob.login.slice(0, 4)}`)
    const list = ann.page.getByRole('listbox', { name: ann.t('mentionSuggestions') })
    const option = list.getByRole('option', { name: new RegExp(bob.login) })
    await option.waitFor()
    await expect
      .poll(() => ann.page.getByRole('combobox').getAttribute('aria-expanded'))
      .toBe('true')
    expect(await option.getAttribute('aria-selected')).toBe('true')
    expect(await box.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'))
    expect(await axeFindings(ann.page)).toEqual([])
    await box.press('Escape')
    await expect.poll(() => list.count()).toBe(0)
    await box.press('Backspace')
    await option.waitFor()
    // Arrows go round the list (one person: stays), Enter picks without sending.
    await box.press('ArrowDown')
    await box.press('ArrowUp')
    await box.press('Enter')
    await expect.poll(() => box.inputValue()).toBe(`Hi @${bob.login} `)
    await expect.poll(() => list.count()).toBe(0)
    await box.pressSequentially('look at this')
    await box.press('Enter')
    const text = `Hi @${bob.login} look at this`
    await row(ann, text).waitFor()
    // Ann sees the mention of Bob marked, not as hers.
    await expect
      .poll(() => row(ann, text).locator('mark.mention').textContent())
      .toBe(`@${bob.login}`)
    expect(await row(ann, text).locator('mark.mention.me').count()).toBe(0)

    // Bob, elsewhere: the muted group shows an @ badge, and the tab title counts the mention.
    const groupLink = chatList(bob).getByRole('link', { name: new RegExp(`^${groupTitle}`) })
    await groupLink
      .locator('.mention-badge')
      .getByText(bob.t('mentionUnread', { count: 1 }))
      .waitFor()
    await expect.poll(() => bob.page.title()).toBe(`(1) ${bob.t('appName')}`)
    // He opens it: the mention of him stands out; reading it clears the badge and the title.
    await openChatNamed(bob, groupTitle)
    await expect
      .poll(() => row(bob, text).locator('mark.mention.me').textContent())
      .toBe(`@${bob.login}`)
    await expect.poll(() => groupLink.locator('.mention-badge').count()).toBe(0)
    await expect.poll(() => bob.page.title()).toBe(bob.t('appName'))
  }, 90_000)

  it('forward: a message with its image to another chat, "forwarded from" live for the other', async () => {
    await openChatNamed(bob, ann.name)
    const imageId = await uploadPng(ann)
    await callApi<Message>(
      server!.url,
      'messages.send',
      {
        chatId: (
          await callApi<Chat>(server!.url, 'chats.createDirect', { userId: bob.id }, ann.token)
        ).id,
        clientId: crypto.randomUUID(),
        text: 'Photo from the trip',
        imageIds: [imageId],
      },
      ann.token,
    )
    const original = row(bob, 'Photo from the trip')
    await original.waitFor()
    await original.hover()
    await original.getByRole('button', { name: bob.t('messageActions') }).click()
    await original.getByRole('button', { name: bob.t('forward'), exact: true }).click()
    const dialog = bob.page.getByRole('dialog', { name: bob.t('forwardTo') })
    await dialog.getByLabel(bob.t('forwardFilter')).fill(groupTitle.slice(0, 5))
    expect(await axeFindings(bob.page)).toEqual([])
    await dialog.getByRole('button', { name: groupTitle }).click()
    await bob.page
      .getByRole('status')
      .getByText(bob.t('forwardedTo', { title: groupTitle }))
      .waitFor()

    // Ann has the group open: the forward arrives with whose it was and its image, which loads.
    const forwarded = row(ann, 'Photo from the trip')
    await forwarded.waitFor()
    await expect
      .poll(() => forwarded.locator('.forwarded').textContent())
      .toBe(ann.t('forwarded', { name: ann.name }))
    await expect
      .poll(() =>
        forwarded
          .locator('img')
          .first()
          .evaluate((img) => (img as HTMLImageElement).naturalWidth),
      )
      .toBeGreaterThan(0)
    expect(await forwarded.locator('.sender').textContent()).toBe(bob.name)
  }, 90_000)

  it("delete for me: gone from Bob's history and his other tab, still there for Ann", async () => {
    await openChatNamed(ann, bob.name)
    await callApi(
      server!.url,
      'messages.send',
      {
        chatId: (
          await callApi<Chat>(server!.url, 'chats.createDirect', { userId: bob.id }, ann.token)
        ).id,
        clientId: crypto.randomUUID(),
        text: 'An older one to keep',
      },
      ann.token,
    )
    await composer(ann).fill('Only Ann keeps this')
    await composer(ann).press('Enter')
    const target = row(bob, 'Only Ann keeps this')
    await target.waitFor()
    // Bob's second tab, on the same chat.
    const second = await bob.context.newPage()
    await second.goto('/')
    await openChatNamed(bob, ann.name, second)
    await row(bob, 'Only Ann keeps this', second).waitFor()

    await target.hover()
    await target.getByRole('button', { name: bob.t('messageActions') }).click()
    // Not his message: "delete for me" only, never "delete for everyone".
    expect(
      await target.getByRole('button', { name: bob.t('deleteForEveryone'), exact: true }).count(),
    ).toBe(0)
    bob.page.once('dialog', (d) => void d.accept())
    await target.getByRole('button', { name: bob.t('deleteForMe'), exact: true }).click()
    await expect.poll(() => target.count()).toBe(0)
    await expect.poll(() => row(bob, 'Only Ann keeps this', second).count()).toBe(0)
    // The list's preview falls back to the newest message he still has.
    await expect
      .poll(() =>
        chatList(bob)
          .getByRole('link', { name: new RegExp(`^${ann.name}`) })
          .textContent(),
      )
      .toContain('An older one to keep')
    await second.close()
    // Ann keeps it.
    await bob.page.waitForTimeout(300)
    expect(await row(ann, 'Only Ann keeps this').count()).toBe(1)
  }, 90_000)
})
