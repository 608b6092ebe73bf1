import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  callTrpc,
  noisePng,
  openRawEventStream,
  sha256,
  signUpOverHttp,
  uploadImage,
  type HttpUser,
  type ServerProcess,
} from '@messenger/api/testing-http'
import { freePort } from '@messenger/db'
import { createTestDb, type TestDb } from '@messenger/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNginx, type RunningNginx } from './nginx'
import {
  assertBuilt,
  bytesRead,
  followEvents,
  postFrom,
  productionEnv,
  sendUntilAcknowledged,
  startReplica,
  waitUntilRouted,
} from './servers'

/**
 * Debian's nginx with the project's deploy/nginx.conf in front of two production replicas (the
 * built bundle, NODE_ENV=production) sharing MariaDB, Redis and the image folder. Each step
 * builds on the ones before, as one deployment's life would.
 */
let t: TestDb
let dataDir: string
let env: Record<string, string>
const ports: number[] = []
const replicas: ServerProcess[] = []
let nginx: RunningNginx
let ada: HttpUser
let bob: HttpUser
let chatId: string
let bigPng: Buffer
const followers: Awaited<ReturnType<typeof followEvents>>[] = []
const follow = async () => {
  const f = await followEvents(nginx.url, bob.accessToken)
  followers.push(f)
  return f
}

const stopAll = async () => {
  for (const r of replicas) if (r.running()) r.child.kill('SIGKILL')
  await Promise.all(replicas.map((r) => r.exited))
}

beforeAll(async () => {
  assertBuilt()
  t = await createTestDb()
  dataDir = mkdtempSync(join(tmpdir(), 'messenger-deploy-'))
  env = productionEnv(t.url, dataDir)
  ports.push(await freePort(), await freePort())
  replicas.push(...(await Promise.all(ports.map((port) => startReplica(port, env)))))
  nginx = await startNginx(
    ports.map((port) => `127.0.0.1:${port}`),
    await freePort(),
  )
  bigPng = await noisePng(20_000_000)
})

afterAll(async () => {
  for (const f of followers) f.stop()
  await stopAll()
  await nginx.stop()
  await t.drop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('nginx in front of two replicas', () => {
  it('serves the web page without its version, and its script compressed', async () => {
    const page = await fetch(`${nginx.url}/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('server')).toBe('nginx')
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await page.text()
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(script).toBeDefined()
    const asset = await fetch(`${nginx.url}${script!}`, { headers: { 'accept-encoding': 'gzip' } })
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-encoding')).toBe('gzip')
    expect(asset.headers.get('vary')).toMatch(/accept-encoding/i)
  })

  it('registers and logs in', async () => {
    ada = await signUpOverHttp(nginx.url)
    bob = await signUpOverHttp(nginx.url)
    const chat = await callTrpc<{ id: string }>(
      nginx.url,
      'chats.createDirect',
      { userId: bob.id },
      { token: ada.accessToken },
    )
    chatId = chat.id
  })

  it('takes a 20 MB upload', async () => {
    const result = await uploadImage(nginx.url, ada.accessToken, bigPng)
    expect(result.status, result.body).toBe(201)
  })

  it('carries live events from one replica to the other', async () => {
    const direct = await Promise.all(
      replicas.map(async (r) => {
        const stream = await openRawEventStream(r.url, bob.accessToken)
        await stream.waitFor((events) => events.some((e) => e.event === 'connected'))
        return stream
      }),
    )
    const texts = ['live 1', 'live 2', 'live 3']
    // Straight to the first replica: the stream on the second gets them only through Redis.
    for (const text of texts)
      await sendUntilAcknowledged(replicas[0]!.url, ada.accessToken, chatId, text)
    for (const stream of direct) {
      await stream.waitFor(() => stream.texts().length === texts.length)
      expect(stream.texts()).toEqual(texts)
      stream.close()
    }
  })

  it('loses nothing when a replica is killed: streams resume on the other one', async () => {
    // Two streams in a row land on both replicas (round robin).
    const pair = [await follow(), await follow()]
    const sent: string[] = []
    for (let i = 0; i < 12; i++) {
      if (i === 4) replicas[0]!.child.kill('SIGKILL')
      const text = `failover ${i}`
      await sendUntilAcknowledged(nginx.url, ada.accessToken, chatId, text)
      sent.push(text)
    }
    expect(await replicas[0]!.exited).toEqual({ code: null, signal: 'SIGKILL' })
    for (const f of pair) {
      await expect.poll(() => f.texts.length, { timeout: 20_000 }).toBe(sent.length)
      expect(f.texts).toEqual(sent)
      f.stop()
    }
    // The stream that was on the killed replica was cut and resumed. The server sends a stream
    // delimited by closing its connection, so behind nginx a killed replica's stream may look
    // ended rather than broken; either way the client resumed from its last id.
    expect(pair.flatMap((f) => f.closings).length).toBeGreaterThan(0)
  })

  it('finishes an upload on a replica that gets SIGTERM, whose streams end cleanly and resume', async () => {
    replicas[0] = await startReplica(ports[0]!, env)
    await waitUntilRouted(nginx.url, replicas[0], bob.accessToken)
    const pair = [await follow(), await follow()]
    const before = replicas.map(bytesRead)
    const upload = uploadImage(nginx.url, ada.accessToken, bigPng)
    // The replica whose reads jump by megabytes is the one nginx is passing the upload to.
    let target: ServerProcess | undefined
    const deadline = Date.now() + 60_000
    while (target === undefined && Date.now() < deadline) {
      target = replicas.find((r, i) => bytesRead(r) - before[i]! > 5_000_000)
      await new Promise((r) => setTimeout(r, 5))
    }
    expect(target).toBeDefined()
    target!.child.kill('SIGTERM')
    const result = await upload
    expect(result.status, result.body).toBe(201)
    expect(await target!.exited).toEqual({ code: 0, signal: null })
    expect(target!.output()).toMatch(/SIGTERM: finishing [1-9]\d* requests in flight/)

    const sent = ['after sigterm 1', 'after sigterm 2']
    for (const text of sent) await sendUntilAcknowledged(nginx.url, ada.accessToken, chatId, text)
    for (const f of pair) {
      await expect.poll(() => f.texts.length, { timeout: 20_000 }).toBe(sent.length)
      expect(f.texts).toEqual(sent)
      f.stop()
    }
    // Streams on the stopping replica were ended, not cut: clients resumed elsewhere.
    const closings = pair.flatMap((f) => f.closings)
    expect(closings).toContain('end')
    expect(closings).not.toContain('error')
  })

  describe('behind a second proxy (a TLS terminator on 127.0.0.1)', () => {
    let proxy: Server
    let proxyUrl: string
    beforeAll(async () => {
      // Like a TLS terminator: appends the address it saw to X-Forwarded-For and passes it on.
      proxy = createServer((req, res) => {
        const seen = req.socket.remoteAddress ?? ''
        const forwarded = req.headers['x-forwarded-for']
        const upstream = request(`${nginx.url}${req.url ?? '/'}`, {
          method: req.method,
          localAddress: '127.0.0.1',
          headers: {
            ...req.headers,
            'x-forwarded-for': forwarded === undefined ? seen : `${String(forwarded)}, ${seen}`,
          },
        })
        upstream.once('response', (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        })
        upstream.once('error', () => res.writeHead(502).end())
        req.pipe(upstream)
      })
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    })
    afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())))

    const sessionIp = async (userId: string) =>
      (
        await t.db
          .selectFrom('sessions')
          .select('ip')
          .where('user_id', '=', userId)
          .orderBy('created_at', 'desc')
          .executeTakeFirstOrThrow()
      ).ip

    const loginFrom = (address: string, url: string, user: HttpUser, password = user.password) =>
      postFrom(
        address,
        url,
        'auth.login',
        { login: user.login, passwordHash: sha256(password) },
        // What a client may claim; only trusted proxies' entries count.
        { 'x-forwarded-for': '203.0.113.9' },
      )

    it('gives the app the address of the client, not of the proxy or what the client claims', async () => {
      const carol = await signUpOverHttp(nginx.url)
      expect((await loginFrom('127.0.0.5', proxyUrl, carol)).status).toBe(200)
      expect(await sessionIp(carol.id)).toBe('127.0.0.5')
      // Straight to nginx from an untrusted address: X-Forwarded-For is ignored.
      expect((await loginFrom('127.0.0.6', nginx.url, carol)).status).toBe(200)
      expect(await sessionIp(carol.id)).toBe('127.0.0.6')
    })

    it("does not lock everyone behind the proxy out after one client's failures", async () => {
      const dave = await signUpOverHttp(nginx.url)
      for (let i = 0; i < 10; i++) {
        const guess = await postFrom('127.0.0.7', proxyUrl, 'auth.login', {
          login: `nobody${i}`,
          passwordHash: sha256('wrong'),
        })
        expect(guess.status).toBe(401)
      }
      expect((await loginFrom('127.0.0.7', proxyUrl, dave)).status).toBe(429)
      expect((await loginFrom('127.0.0.8', proxyUrl, dave)).status).toBe(200)
    })
  })
})
