import { request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { photoJpeg } from '@messenger/images/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestApp, post, type TestApp, type TrpcBody } from './testing'

const MiB = 1024 * 1024

let t: TestApp
let server: ServerType
let port: number
beforeAll(async () => {
  t = await createTestApp()
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((r) => server.once('listening', r))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  await new Promise((r) => server.close(r))
  await t.close()
})

const readJson = async (res: IncomingMessage) => {
  let text = ''
  for await (const chunk of res) text += String(chunk)
  return JSON.parse(text) as TrpcBody
}

/** The most memory (heap and buffers) seen while `run` runs, above what was used before it. */
const peakGrowth = async <T>(run: () => Promise<T>) => {
  const used = () => {
    const m = process.memoryUsage()
    return m.heapUsed + m.arrayBuffers
  }
  const before = used()
  let peak = before
  const sampler = setInterval(() => (peak = Math.max(peak, used())), 5)
  try {
    const result = await run()
    return { result, growth: Math.max(peak, used()) - before }
  } finally {
    clearInterval(sampler)
  }
}

/**
 * POSTs `total` bytes of one JSON string to auth.login in 64 KiB chunks, as fast as the socket
 * takes them, and stops at the first answer: how many bytes had gone out by then, and the answer.
 */
const streamBody = (total: number, headers: Record<string, string> = {}) =>
  new Promise<{ sent: number; status: number; body: TrpcBody }>((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 'a')
    let sent = 0
    let answered = false
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/trpc/auth.login',
      headers: { 'content-type': 'application/json', ...headers },
    })
    req.on('response', (res) => {
      answered = true
      const sentAtAnswer = sent
      readJson(res).then((body) => {
        req.destroy()
        resolve({ sent: sentAtAnswer, status: res.statusCode ?? 0, body })
      }, reject)
    })
    // The server may close the socket on a body it refused: that is not a failure of the test.
    req.on('error', (e) => {
      if (!answered) reject(e)
    })
    const pump = () => {
      while (!answered && sent < total) {
        const piece = sent === 0 ? Buffer.from('{"login":"') : chunk
        sent += piece.length
        if (!req.write(piece)) return void req.once('drain', pump)
      }
      if (!answered && sent >= total) req.end('"}')
    }
    pump()
  })

describe('request body limit on /trpc', () => {
  it('a 50 MB chunked body is refused with 413 PAYLOAD_TOO_LARGE after about 1 MiB, without buffering it', async () => {
    const { result, growth } = await peakGrowth(() => streamBody(50 * MiB))
    expect(result.status).toBe(413)
    expect(result.body.error?.data.code).toBe('PAYLOAD_TOO_LARGE')
    expect(result.body.error?.data.httpStatus).toBe(413)
    expect(result.body.error?.message).toMatch(/1048576 bytes/)
    // Answered long before the client got through the body: the server stopped reading early.
    expect(result.sent).toBeLessThan(10 * MiB)
    expect(growth).toBeLessThan(25 * MiB)
  })

  it('a Content-Length over the limit is refused before a byte of the body is read', async () => {
    const result = await streamBody(50 * MiB, { 'content-length': String(50 * MiB) })
    expect(result.status).toBe(413)
    expect(result.body.error?.data.code).toBe('PAYLOAD_TOO_LARGE')
    expect(result.sent).toBeLessThan(10 * MiB)
  })

  it('a body under the limit reaches the procedure (a long login is a 400 naming the field)', async () => {
    const res = await post(t.app, 'auth.login', { login: 'a'.repeat(900_000), passwordHash: 'x' })
    expect(res.status).toBe(400)
    expect(res.body.error?.data.code).toBe('BAD_REQUEST')
  })

  it('image uploads keep their own, larger limit', async () => {
    const a = await t.signUp()
    const photo = await photoJpeg(4000, 3000)
    expect(photo.length).toBeGreaterThan(1.5 * MiB)
    const form = new FormData()
    form.append('file', new Blob([photo], { type: 'image/jpeg' }), 'photo.jpg')
    const res = await t.app.request('/api/images', {
      method: 'POST',
      headers: bearer(a.accessToken),
      body: form,
    })
    expect(res.status).toBe(201)
  })
})
