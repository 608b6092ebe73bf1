import { randomBytes, randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'
import {
  callTrpc,
  openRawEventStream,
  startServerProcess,
  type RawEventStream,
  type SseEvent,
  type ServerProcess,
} from '@messenger/api/testing-http'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The deploy tests run what `pnpm build` made, as production does. */
export const assertBuilt = () => {
  for (const file of ['packages/api/dist/server.js', 'packages/web/dist/index.html']) {
    if (!existsSync(`${ROOT}/${file}`)) throw new Error(`${file} is missing: run \`pnpm build\``)
  }
}

/** Production settings for one replica; replicas share the database, Redis and DATA_DIR. */
export const productionEnv = (databaseUrl: string, dataDir: string) => ({
  NODE_ENV: 'production',
  DATABASE_URL: databaseUrl,
  DATA_DIR: dataDir,
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  ELASTICSEARCH_URL: '',
  JWT_SECRET: randomBytes(32).toString('hex'),
  PASSWORD_PEPPER: randomBytes(32).toString('hex'),
  TRUST_PROXY: 'true',
  LOG_LEVEL: 'info',
})

export const startReplica = (port: number, env: Record<string, string>) =>
  startServerProcess({ port, env, entry: 'dist' })

/**
 * Waits until nginx passes requests to `replica` again: after a failure nginx avoids a server for
 * fail_timeout (10 s), even when it is back sooner. Requests and event streams have an upstream
 * each (streams without kept-alive connections), and each keeps its own record of failures, so
 * both are probed: /healthz, then streams opened and closed again until one lands on `replica`.
 */
export const waitUntilRouted = async (nginxUrl: string, replica: ServerProcess, token: string) => {
  const served = (path: string) => replica.output().split(`"path":"${path}"`).length
  const deadline = Date.now() + 30_000
  const probe = async (path: string, once: () => Promise<void>) => {
    const before = served(path)
    while (served(path) === before) {
      if (Date.now() > deadline) throw new Error(`nginx did not route ${path} to the replica again`)
      await once()
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  await probe('/healthz', async () => {
    await fetch(`${nginxUrl}/healthz`)
  })
  await probe('/trpc/messages.events', async () => {
    const stream = await openRawEventStream(nginxUrl, token)
    stream.close()
    await stream.closed
  })
}

/** Bytes the process has read so far (sockets included): shows when an upload reaches it. */
export const bytesRead = (server: ServerProcess) => {
  const io = readFileSync(`/proc/${server.child.pid}/io`, 'utf8')
  return Number(/^rchar: (\d+)$/m.exec(io)?.[1] ?? 0)
}

/** messages.send that retries with the same clientId until it is acknowledged, as clients do. */
export const sendUntilAcknowledged = async (
  url: string,
  token: string,
  chatId: string,
  text: string,
) => {
  const clientId = randomUUID()
  for (let attempt = 1; ; attempt++) {
    try {
      return await callTrpc<{ id: string }>(
        url,
        'messages.send',
        { chatId, clientId, text },
        { token },
      )
    } catch (e) {
      if (attempt >= 10) throw e
      await new Promise((r) => setTimeout(r, 300))
    }
  }
}

/**
 * A client's event stream through nginx: whenever the stream ends (cleanly or cut), it opens a
 * new one with the last event id it saw, as the web client does.
 */
export const followEvents = async (url: string, token: string) => {
  const texts: string[] = []
  const closings: ('end' | 'error')[] = []
  let lastEventId: string | undefined
  let current: RawEventStream | undefined
  let stopped = false
  const take = (event: SseEvent) => {
    if (event.id === undefined) return
    lastEventId = event.id
    const data = JSON.parse(event.data) as { type?: string; message?: { text?: string } }
    if (data.type === 'message.created' && data.message?.text !== undefined) {
      texts.push(data.message.text)
    }
  }
  const reopen = async () => {
    while (!stopped) {
      try {
        await open()
        return
      } catch {
        await new Promise((r) => setTimeout(r, 300))
      }
    }
  }
  const open = async () => {
    const stream = await openRawEventStream(url, token, lastEventId, take)
    current = stream
    void stream.closed.then((how) => {
      if (stopped) return
      closings.push(how)
      void reopen()
    })
    await stream.waitFor((events) => events.some((e) => e.event === 'connected'))
  }
  await open()
  return {
    texts,
    closings,
    stop: () => {
      stopped = true
      current?.close()
    },
  }
}

/** A POST of JSON from a chosen local address, optionally claiming an X-Forwarded-For. */
export const postFrom = (
  localAddress: string,
  url: string,
  procedure: string,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${url}/trpc/${procedure}`, {
      method: 'POST',
      localAddress,
      headers: { ...headers, 'content-type': 'application/json' },
    })
    req.once('error', reject)
    req.once('response', (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (text += d))
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.end(JSON.stringify(body))
  })
