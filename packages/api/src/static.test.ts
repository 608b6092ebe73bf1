import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { Hono } from 'hono'
import { afterAll, describe, expect, it } from 'vitest'
import { mountWebClient } from './static'

const dist = mkdtempSync(join(tmpdir(), 'web-dist-'))
mkdirSync(join(dist, 'assets'))
writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>')
writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)')
const big = 'console.log("a fairly long line of JavaScript");\n'.repeat(200)
writeFileSync(join(dist, 'assets', 'big-def456.js'), big)
writeFileSync(join(dist, 'assets', 'big-def456.js.br'), brotliCompressSync(big))
writeFileSync(join(dist, 'assets', 'big-def456.js.gz'), gzipSync(big))
const outside = join(tmpdir(), 'outside-web-dist.txt')
writeFileSync(outside, 'secret')

const app = new Hono()
app.get('/trpc/ping', (c) => c.json({ ok: true }))
mountWebClient(app, dist)

afterAll(() => {
  rmSync(dist, { recursive: true, force: true })
  rmSync(outside, { force: true })
})

describe('mountWebClient', () => {
  it('serves index.html at / and for client routes, revalidated every time', async () => {
    for (const path of ['/', '/chats/0198', '/settings']) {
      const res = await app.request(path)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain('text/html')
      expect(res.headers.get('cache-control')).toBe('no-cache')
      expect(await res.text()).toContain('id="root"')
    }
  })

  it('serves hashed assets with a long cache and the right type', async () => {
    const res = await app.request('/assets/index-abc123.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/javascript')
    expect(res.headers.get('cache-control')).toContain('immutable')
  })

  it('serves the precompressed copy the client accepts, with Content-Encoding and Vary', async () => {
    const get = (encoding?: string) =>
      app.request('/assets/big-def456.js', {
        headers: encoding === undefined ? {} : { 'accept-encoding': encoding },
      })
    const br = await get('gzip, deflate, br')
    expect(br.headers.get('content-encoding')).toBe('br')
    expect(br.headers.get('vary')).toBe('Accept-Encoding')
    expect(br.headers.get('content-type')).toContain('text/javascript')
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(big)

    const gz = await get('gzip')
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(big)

    for (const plain of [await get(), await get('identity'), await get('br;q=0, gzip;q=0')]) {
      expect(plain.headers.get('content-encoding')).toBeNull()
      expect(plain.headers.get('vary')).toBe('Accept-Encoding')
      expect(await plain.text()).toBe(big)
    }
  })

  it('a missing asset is a 404, not the app', async () => {
    expect((await app.request('/assets/index-old.js')).status).toBe(404)
    expect((await app.request('/favicon.png')).status).toBe(404)
  })

  it('never shadows API routes, and an unknown API path is a 404', async () => {
    expect(await (await app.request('/trpc/ping')).json()).toEqual({ ok: true })
    expect((await app.request('/trpc/nope')).status).toBe(404)
    expect((await app.request('/api/images/nope')).status).toBe(404)
  })

  it('does not serve files outside the folder', async () => {
    for (const path of [
      '/../outside-web-dist.txt',
      '/%2e%2e/outside-web-dist.txt',
      '/..%2foutside-web-dist.txt',
    ]) {
      const res = await app.request(path)
      expect(await res.text()).not.toBe('secret')
    }
  })

  it('says how to build the client when it is not built', async () => {
    const bare = new Hono()
    mountWebClient(bare, join(dist, 'missing'))
    const res = await bare.request('/')
    expect(res.status).toBe(503)
    expect(await res.text()).toContain('pnpm --filter @messenger/web build')
  })

  it('serves the app with a strict Content-Security-Policy, no framing and no referrer', async () => {
    for (const path of ['/', '/chats/0198', '/assets/index-abc123.js']) {
      const res = await app.request(path)
      const csp = res.headers.get('content-security-policy') ?? ''
      // The built page has no inline script or style: only the app's own files run.
      expect(csp).toContain("default-src 'self'")
      expect(csp).toContain("script-src 'self';")
      expect(csp).toContain("style-src 'self';")
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/)
      // Previews before upload are blob: URLs; placeholders are data: URLs.
      expect(csp).toContain("img-src 'self' blob: data:")
      expect(csp).toContain("connect-src 'self'")
      expect(csp).toContain("object-src 'none'")
      expect(csp).toContain("base-uri 'none'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('permissions-policy')).toMatch(/camera=\(\).*microphone=\(\)/)
      expect(res.headers.get('permissions-policy')).toContain('geolocation=()')
    }
  })
})
