/// <reference lib="dom" />
/**
 * The web client in Debian's Chromium with 2,000 messages loaded in one chat: Enter-to-seen (from
 * the Enter keydown to the frame after the message is in the list) and long tasks (over 50 ms, by
 * PerformanceObserver) while paging the whole history in, sending and receiving; plus what the
 * first screen downloads, compressed.
 */
import { randomUUID, createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { callApi, launchChromium, ROOT, startServer } from '../packages/web/e2e/harness'
import { fmt, quantile, table } from './lib'

const MESSAGES = 2000
const SENDS = 30
const PASSWORD = 'correct horse battery'
const passwordHash = createHash('sha256').update(PASSWORD).digest('hex')

interface Account {
  accessToken: string
  refreshToken: string
  user: { id: string }
}

const account = async (url: string, login: string): Promise<Account> => {
  await callApi(url, 'auth.register', {
    login,
    passwordHash,
    email: `${login}@example.com`,
    firstName: login,
    lastName: 'Bench',
  })
  return callApi<Account>(url, 'auth.login', { login, passwordHash })
}

/** Sizes of what index.html loads before anything else (entry script, its preloads, CSS). */
const firstScreen = () => {
  const dist = join(ROOT, 'packages/web/dist')
  const html = readFileSync(join(dist, 'index.html'), 'utf8')
  const files = [
    'index.html',
    ...[...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!),
  ]
  let raw = 0
  let gz = 0
  let br = 0
  for (const f of files) {
    const path = join(dist, f)
    raw += statSync(path).size
    gz += existsSync(`${path}.gz`)
      ? statSync(`${path}.gz`).size
      : gzipSync(readFileSync(path)).length
    br += existsSync(`${path}.br`)
      ? statSync(`${path}.br`).size
      : gzipSync(readFileSync(path)).length
  }
  return { files: files.length, raw, gz, br }
}

export async function run() {
  const server = await startServer()
  const browser = await launchChromium()
  try {
    const suffix = Date.now().toString(36).slice(-5)
    const ann = await account(server.url, `ann_${suffix}`)
    const bob = await account(server.url, `bob_${suffix}`)
    const chat = await callApi<{ id: string }>(
      server.url,
      'chats.createDirect',
      { userId: ann.user.id },
      bob.accessToken,
    )
    let next = 0
    const seedErrors: string[] = []
    const seed = async () => {
      while (next < MESSAGES) {
        const i = next++
        const text =
          i % 7 === 0
            ? `Message ${i}: a longer one that wraps over a few lines, with a link https://example.com/${i} and some more words to fill the bubble.`
            : `Message ${i}`
        const input = { chatId: chat.id, clientId: randomUUID(), text }
        // A send that failed is retried with its clientId, as the web client's Retry does (stored
        // once). Counted: the seeding is not what is measured, but a server error is worth seeing.
        for (let attempt = 1; ; attempt++) {
          try {
            await callApi(server.url, 'messages.send', input, bob.accessToken)
            break
          } catch (error) {
            if (attempt === 3) throw error
            seedErrors.push(String(error))
          }
        }
      }
    }
    await Promise.all(Array.from({ length: 8 }, seed))

    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      baseURL: server.url,
    })
    context.setDefaultTimeout(30_000)
    await context.addInitScript((token) => {
      localStorage.setItem('messenger.refreshToken', token)
      const w = window as unknown as { longTasks: { start: number; duration: number }[] }
      w.longTasks = []
      new PerformanceObserver((list) => {
        for (const e of list.getEntries())
          w.longTasks.push({ start: e.startTime, duration: e.duration })
      }).observe({ type: 'longtask', buffered: true })
    }, ann.refreshToken)
    const page = await context.newPage()
    await page.goto(`/chats/${chat.id}`)
    const log = page.getByRole('log')
    await log.getByText(`Message ${MESSAGES - 1}`, { exact: true }).waitFor()
    const longTasksSince = (t0: number) =>
      page.evaluate(
        (t) =>
          (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks
            .filter((e) => e.start >= t)
            .map((e) => e.duration),
        t0,
      )
    const now = () => page.evaluate(() => performance.now())

    // Page the whole history in, as a reader scrolling up would.
    const pagingStart = await now()
    for (let i = 0; i < 200; i++) {
      const more = await log.evaluate((el) => {
        el.scrollTop = 0
        return el.querySelector('.older') !== null
      })
      if (!more) break
      await page.waitForTimeout(150)
    }
    // The last page arrives with the view kept in place: the top is one more scroll away.
    await log.evaluate((el) => (el.scrollTop = 0))
    // (Message 0 is one of the long ones: its text goes on.)
    await log.getByText('Message 1', { exact: true }).waitFor()
    const pagingLong = await longTasksSince(pagingStart)

    await log.evaluate((el) => (el.scrollTop = el.scrollHeight))
    await page.waitForTimeout(500)
    const sendStart = await now()
    const box = page.getByRole('textbox', { name: 'Message' })
    const enterToSeen: number[] = []
    for (let i = 0; i < SENDS; i++) {
      const text = `Sent ${i} ${randomUUID().slice(0, 8)}`
      const seen = page.evaluate(
        (text) =>
          new Promise<number>((resolve) => {
            // No named function here: tsx would wrap it in a helper the page does not have.
            let t0 = 0
            const keys = new AbortController()
            document.addEventListener(
              'keydown',
              (e) => {
                if (e.key === 'Enter') t0 = performance.now()
              },
              { capture: true, signal: keys.signal },
            )
            const list = document.querySelector('[role=log]')!
            const obs = new MutationObserver(() => {
              if (t0 === 0 || !list.textContent.includes(text)) return
              obs.disconnect()
              keys.abort()
              requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0)))
            })
            obs.observe(list, { subtree: true, childList: true, characterData: true })
          }),
        text,
      )
      await box.fill(text)
      await box.press('Enter')
      enterToSeen.push(await seen)
      await page.waitForTimeout(100)
    }
    // Bob writes while Ann watches.
    for (let i = 0; i < SENDS; i++) {
      await callApi(
        server.url,
        'messages.send',
        { chatId: chat.id, clientId: randomUUID(), text: `Incoming ${i}` },
        bob.accessToken,
      )
    }
    await log.getByText(`Incoming ${SENDS - 1}`, { exact: true }).waitFor()
    const useLong = await longTasksSince(sendStart)
    const domRows = await log.evaluate((el) => el.querySelectorAll('li').length)
    await context.close()

    const size = firstScreen()
    const kb = (n: number) => `${fmt(n / 1024, 1)} kB`
    return [
      `${MESSAGES} messages loaded (${domRows} rows in the DOM), Chromium headless, this machine shared with other work (load average ${loadavg()[0]!.toFixed(1)} at the end).`,
      ...(seedErrors.length > 0
        ? [
            '',
            `Seeding: ${seedErrors.length} of ${MESSAGES} sends failed once and were retried with the same clientId (${[...new Set(seedErrors.map((e) => e.replace(/ \(request .*\)$/, '')))].join('; ')}).`,
          ]
        : []),
      '',
      table(
        ['measure', 'value'],
        [
          ['Enter-to-seen p50', `${fmt(quantile(enterToSeen, 0.5), 1)} ms`],
          ['Enter-to-seen p95', `${fmt(quantile(enterToSeen, 0.95), 1)} ms`],
          ['Enter-to-seen max', `${fmt(Math.max(...enterToSeen), 1)} ms`],
          [
            'long tasks while sending and receiving',
            `${useLong.length} (max ${fmt(Math.max(0, ...useLong), 0)} ms)`,
          ],
          [
            'long tasks while paging 2,000 in',
            `${pagingLong.length} (max ${fmt(Math.max(0, ...pagingLong), 0)} ms)`,
          ],
          [
            `first screen (${size.files} files)`,
            `${kb(size.raw)} raw, ${kb(size.gz)} gzip, ${kb(size.br)} brotli`,
          ],
        ],
      ),
    ].join('\n')
  } finally {
    await browser.close()
    await server.stop()
  }
}
