import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

/** Checks of a page as people meet it, shared by the browser tests. */

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

/** axe-core's serious and critical findings on the page as it is now. */
export const axeFindings = async (page: Page): Promise<string[]> => {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource)
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: object,
          ) => Promise<{
            violations: {
              id: string
              impact: string | null
              nodes: { target: string[]; failureSummary?: string }[]
            }[]
          }>
        }
      }
    ).axe
    const result = await axe.run(document, { resultTypes: ['violations'] })
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) =>
        v.nodes.map(
          (n) => `${v.id} (${v.impact}) ${n.target.join(' ')}: ${n.failureSummary ?? ''}`,
        ),
      )
  })
}

/**
 * Controls smaller than 44 × 44 px. Inside an open dialog only the dialog's (the page behind is
 * inert); links inside message or result text are part of a sentence (WCAG's inline exception).
 */
export const smallTargets = (page: Page, min: number) =>
  page.evaluate((min) => {
    const root: ParentNode = document.querySelector('dialog[open]') ?? document
    const selector =
      'button, a[href], input:not([type=hidden]), select, textarea, [role=button], [role=tab], [role=link]'
    return [...root.querySelectorAll<HTMLElement>(selector)]
      .filter((el) => {
        if (el.closest('.visually-hidden, [aria-hidden=true]')) return false
        if (el.closest('p.text, .result-text')) return false
        const style = getComputedStyle(el)
        if (style.visibility === 'hidden' || style.display === 'none') return false
        const r = el.getBoundingClientRect()
        return r.width > 0 && r.height > 0 && (r.width < min - 0.5 || r.height < min - 0.5)
      })
      .map((el) => {
        const r = el.getBoundingClientRect()
        const name = el.getAttribute('aria-label') ?? el.textContent.trim().slice(0, 30)
        return `${el.tagName.toLowerCase()}.${el.className || '-'} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`
      })
  }, min)

/** The whole page wider than the screen (a sideways scroll on a phone). */
export const sidewaysScroll = (page: Page) =>
  page.evaluate(() => {
    const el = document.scrollingElement ?? document.documentElement
    return el.scrollWidth > el.clientWidth + 1
  })
