import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Hono } from 'hono'
import { webAppSecurityHeaders } from './security-headers'

/** packages/web/dist, found from this file so the server works from any working directory. */
export const WEB_DIST = resolve(fileURLToPath(new URL('../../web/dist', import.meta.url)))

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
}

/** Precompressed siblings the build writes (`app.js.br`, `app.js.gz`), best first. */
const ENCODINGS = [
  { name: 'br', ext: '.br' },
  { name: 'gzip', ext: '.gz' },
] as const

/** The encodings an Accept-Encoding header accepts (q=0 refuses one). */
const accepted = (header: string | undefined) =>
  new Set(
    (header ?? '')
      .split(',')
      .map((part) => part.trim().split(/\s*;\s*/))
      .filter(([, q]) => !q || !/^q=0(\.0*)?$/.test(q))
      .map(([name]) => name?.toLowerCase()),
  )

/** Routes owned by the server: a miss there is a 404, never the web app. */
const SERVER_PREFIXES = ['/trpc', '/api/', '/healthz', '/readyz']

const fileAt = async (root: string, urlPath: string): Promise<string | null> => {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  const path = normalize(join(root, decoded))
  // No escaping the folder with ../ or an encoded separator.
  if (path !== root && !path.startsWith(root + sep)) return null
  try {
    return (await stat(path)).isFile() ? path : null
  } catch {
    return null
  }
}

/**
 * Serves the built web client at `/`: files from the dist folder, and index.html for any other GET
 * so client-side routes (/chats/…) survive a reload. Hashed assets are cached for a year;
 * index.html is revalidated every time, so a new build is picked up at once.
 */
export const mountWebClient = <E extends object>(app: Hono<E>, root = WEB_DIST) => {
  const isServerPath = (path: string) =>
    SERVER_PREFIXES.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`))
  app.get(
    '*',
    (c, next) => (isServerPath(c.req.path) ? c.notFound() : next()),
    webAppSecurityHeaders,
    async (c) => {
      const path = c.req.path
      const file = path === '/' ? null : await fileAt(root, path)
      if (file) {
        const immutable = path.startsWith('/assets/')
        const headers: Record<string, string> = {
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          'X-Content-Type-Options': 'nosniff',
        }
        // Serve the build's brotli or gzip copy when the client takes it; caches must key on that.
        const compressed = ENCODINGS.filter((e) => existsSync(file + e.ext))
        if (compressed.length > 0) {
          headers.Vary = 'Accept-Encoding'
          const ok = accepted(c.req.header('accept-encoding'))
          const pick = compressed.find((e) => ok.has(e.name))
          if (pick) {
            headers['Content-Encoding'] = pick.name
            return c.body(await readFile(file + pick.ext), 200, headers)
          }
        }
        return c.body(await readFile(file), 200, headers)
      }
      // A missing asset is a 404, not the app: a stale tab asking for an old chunk must see it fail.
      if (path.startsWith('/assets/') || extname(path) !== '') return c.notFound()
      const index = await fileAt(root, '/index.html')
      if (!index) {
        return c.text(
          'The web client is not built. Run `pnpm --filter @messenger/web build` (pnpm start does it for you).',
          503,
        )
      }
      return c.body(await readFile(index), 200, {
        'Content-Type': TYPES['.html']!,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      })
    },
  )
}
