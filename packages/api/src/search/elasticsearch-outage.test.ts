/**
 * Elasticsearch configured but unreachable — nothing listens on its port, or something accepts
 * and never answers. No Elasticsearch is faked: these are the states of a cluster that is down.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestApp, get, type TestApp } from '../testing'

const listenOn = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as { port: number }).port
}

/** A port that was free a moment ago and now has nobody listening. */
const closedPort = async () => {
  const s = createServer()
  const port = await listenOn(s)
  await new Promise((r) => s.close(r))
  return port
}

const outage = (describeName: string, url: () => Promise<string>, after: () => void) =>
  describe(describeName, () => {
    let t: TestApp
    beforeAll(async () => {
      t = await createTestApp({ ELASTICSEARCH_URL: await url(), ELASTICSEARCH_TIMEOUT_MS: '300' })
    })
    afterAll(async () => {
      await t.close()
      after()
    })

    it('still sends and lists; search answers 503 SERVICE_UNAVAILABLE; /readyz says which', async () => {
      const ann = await t.signUp()
      const bob = await t.signUp()
      const chat = await ann.caller.chats.createDirect({ userId: bob.user.id })
      const sent = await ann.caller.messages.send({
        chatId: chat.id,
        clientId: randomUUID(),
        text: 'hello',
      })
      const list = await bob.caller.messages.list({ chatId: chat.id, limit: 10 })
      expect(list.items.map((m) => m.id)).toEqual([sent.id])

      const started = performance.now()
      const res = await get(t.app, 'messages.search', { query: 'hello' }, bearer(bob.accessToken))
      expect(res.status).toBe(503)
      expect(res.body.error?.data.code).toBe('SERVICE_UNAVAILABLE')
      expect(res.body.error?.message).toMatch(/Search is unavailable/)

      const ready = await t.app.request('/readyz')
      // Within the request timeout: a stalled cluster holds nothing.
      expect(performance.now() - started).toBeLessThan(3000)
      expect(ready.status).toBe(200)
      const body = (await ready.json()) as {
        ok: boolean
        search: { ok: boolean; backend: string; lag: number; error: string }
      }
      expect(body).toMatchObject({ ok: true, search: { ok: false, backend: 'elasticsearch' } })
      expect(body.search.error).toMatch(/Elasticsearch/)
      // The message waits in the log for the cluster to come back.
      expect(body.search.lag).toBeGreaterThan(0)
    })
  })

outage(
  'with nothing listening on ELASTICSEARCH_URL',
  async () => `http://127.0.0.1:${await closedPort()}`,
  () => undefined,
)

const sockets = new Set<Socket>()
const silent = createServer((s) => sockets.add(s))
outage(
  'with a cluster that accepts connections and never answers',
  async () => `http://127.0.0.1:${await listenOn(silent)}`,
  () => {
    for (const s of sockets) s.destroy()
    silent.close()
  },
)
