// @vitest-environment node
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { Chat } from '@messenger/shared'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openChatNamed, peopleOf, type Person } from './people'
import { callApi, launchChromium, startServer, type RunningServer } from './harness'

const suffix = Date.now().toString(36).slice(-5)
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** Serious and critical axe findings inside `selector`, and its controls under 44×44 px. */
const problems = async (page: Page, selector: string) => {
  await page.evaluate(AXE)
  return page.evaluate(async (selector) => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: { include: string[][] },
            o: object,
          ) => Promise<{ violations: { id: string; impact: string | null }[] }>
        }
      }
    ).axe
    const r = await axe.run({ include: [[selector]] }, { resultTypes: ['violations'] })
    const out = r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id)
    for (const el of document.querySelectorAll(`${selector} button, ${selector} a[href]`)) {
      const b = el.getBoundingClientRect()
      if (b.width > 0 && (b.width < 44 || b.height < 44))
        out.push(`${el.outerHTML.slice(0, 60)} ${b.width}x${b.height}`)
    }
    return out
  }, selector)
}

let server: RunningServer | undefined
let browser: Browser | undefined
const { people, signedIn } = peopleOf(() => ({ url: server!.url, browser: browser! }), {
  timeoutMs: 15_000,
  acceptDownloads: true,
})

/** A 300×200 PNG: red on the left half, green on the right. */
const halvesPng = (page: Page) =>
  page.evaluate(() => {
    const canvas = document.createElement('canvas')
    canvas.width = 300
    canvas.height = 200
    const g = canvas.getContext('2d')!
    g.fillStyle = '#dc1e1e'
    g.fillRect(0, 0, 150, 200)
    g.fillStyle = '#1ec828'
    g.fillRect(150, 0, 150, 200)
    return canvas.toDataURL('image/png').split(',')[1]!
  })

/** The colour at the centre of an `<img>` once loaded, drawn through a canvas. */
const centreColour = (page: Page, selector: string) =>
  page.evaluate(async (selector) => {
    const img = document.querySelector<HTMLImageElement>(selector)
    if (!img) return null
    await img.decode()
    const canvas = document.createElement('canvas')
    canvas.width = img.naturalWidth
    canvas.height = img.naturalHeight
    const g = canvas.getContext('2d')!
    g.drawImage(img, 0, 0)
    const [r, gr, b] = g.getImageData(img.naturalWidth / 2, img.naturalHeight / 2, 1, 1).data
    return [r, gr, b]
  }, selector)

describe('avatars and files, two people in Chromium', () => {
  let ann: Person
  let bob: Person

  beforeAll(async () => {
    server = await startServer()
    browser = await launchChromium()
    ann = await signedIn(`ann_${suffix}`, 'Ann', 'en')
    bob = await signedIn(`bob_${suffix}`, 'Bob', 'ru')
    await callApi<Chat>(server.url, 'chats.createDirect', { userId: bob.id }, ann.token)
    for (const p of [ann, bob]) {
      await p.page.reload()
      await p.page.getByRole('heading', { name: p.t('chats') }).waitFor()
    }
  }, 180_000)

  afterAll(async () => {
    for (const p of people) await p.context.close()
    await browser?.close()
    await server?.stop()
  })

  it('Ann crops a profile photo with the keyboard; Bob sees it in his chat list', async () => {
    await ann.page.getByRole('button', { name: ann.t('settings'), exact: true }).click()
    await ann.page.getByRole('heading', { name: ann.t('profilePhoto') }).waitFor()
    const png = Buffer.from(await halvesPng(ann.page), 'base64')
    await ann.page
      .getByTestId('profile-photo-input')
      .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png })
    // The largest square, centred (50..250); Shift+→ moves it to the right edge (100..300).
    const square = ann.page.getByRole('button', { name: ann.t('cropArea') })
    await square.waitFor()
    expect(await problems(ann.page, `section[aria-label="${ann.t('profilePhoto')}"]`)).toEqual([])
    await square.focus()
    for (let i = 0; i < 3; i++) await square.press('Shift+ArrowRight')
    await ann.page.getByRole('button', { name: ann.t('savePhoto') }).click()
    await ann.page.getByText(ann.t('photoSaved')).waitFor()
    await expect.poll(() => ann.page.locator('.avatar-editor img.avatar-photo').count()).toBe(1)

    // Bob's list shows Ann's photo over her initials, live (chat.updated), without a reload.
    const photo = bob.page.locator('.chat-item img.avatar-photo')
    await expect.poll(() => photo.count(), { timeout: 15_000 }).toBe(1)
    const src = await photo.getAttribute('src')
    expect(src).toMatch(/^\/api\/avatars\/[\w-]+\/\d+\.webp\?e=\d+&s=/)
    // Centre of the square at x=200: the green half, so the crop was the one Ann chose.
    await expect
      .poll(async () => {
        const c = await centreColour(bob.page, '.chat-item img.avatar-photo')
        return c !== null && c[1]! > 150 && c[0]! < 100
      })
      .toBe(true)
    const res = await bob.page.request.get(src!)
    expect(res.status()).toBe(200)
    expect(res.headers()['content-type']).toBe('image/webp')
    // Someone who shares no chat with Ann gets no working link.
    expect(
      (await bob.page.request.get(src!.replace(/s=[\w-]+/, 's=AAAAAAAAAAAAAAAAAAAAAA'))).status(),
    ).toBe(403)
  }, 90_000)

  it('Ann sends a file; Bob downloads the same bytes with attachment headers', async () => {
    await ann.page.goto('/')
    await openChatNamed(ann, 'Bob Tester')
    const bytes = randomBytes(200_000)
    await ann.page
      .getByTestId('file-input')
      .setInputFiles({ name: 'Отчёт.pdf', mimeType: 'application/pdf', buffer: bytes })
    const send = ann.page.getByRole('button', { name: ann.t('send') })
    await expect.poll(() => send.isEnabled(), { timeout: 20_000 }).toBe(true)
    await send.click()

    await openChatNamed(bob, 'Ann Tester')
    const card = bob.page
      .getByRole('log', { name: bob.t('messages') })
      .getByRole('link', { name: new RegExp('Отчёт\\.pdf') })
    await card.waitFor({ timeout: 20_000 })
    expect(await problems(bob.page, '.files')).toEqual([])
    const href = await card.getAttribute('href')
    expect(href).toMatch(/^\/api\/files\/[\w-]+\?e=\d+&s=/)
    const [download] = await Promise.all([bob.page.waitForEvent('download'), card.click()])
    expect(download.suggestedFilename()).toBe('Отчёт.pdf')
    const path = await download.path()
    expect((await readFile(path)).equals(bytes)).toBe(true)
    const res = await bob.page.request.get(href!)
    const h = res.headers()
    expect(h['content-disposition']).toBe(
      `attachment; filename="_____.pdf"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82.pdf`,
    )
    expect(h['x-content-type-options']).toBe('nosniff')
    expect(h['content-security-policy']).toBe("default-src 'none'; sandbox")
    expect(Buffer.from(await res.body()).equals(bytes)).toBe(true)
  }, 90_000)
})
