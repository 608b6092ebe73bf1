import { randomUUID } from 'node:crypto'
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client'
import type { StreamEvent } from '@messenger/shared'
import { EventSource, type FetchLike } from 'eventsource'
import type { AppRouter } from './root'
import { afterAll, beforeAll } from 'vitest'
import { serveApp, type App } from './serve'
import { createTestApp, type TestApp } from './testing'

/** Serves the app on a free loopback port, as a real server would. */
export const listen = async (app: App) => {
  const { server, port } = await serveApp(app, { port: 0, hostname: '127.0.0.1' })
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Open SSE streams would keep close() waiting.
        server.closeAllConnections()
        app.streamDoor.destroyAll()
      }),
  }
}

/** A tRPC client over real HTTP; `auth: 'params'` sends the token as EventSource connectionParams. */
export const client = (url: string, token: string, auth: 'header' | 'params' = 'header') =>
  createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${url}/trpc`,
          EventSource,
          ...(auth === 'params'
            ? { connectionParams: { token } }
            : {
                eventSourceOptions: {
                  fetch: ((input, init) =>
                    fetch(input, {
                      ...init,
                      headers: { ...init.headers, authorization: `Bearer ${token}` },
                    })) satisfies FetchLike,
                },
              }),
        }),
        false: httpLink({ url: `${url}/trpc`, headers: { authorization: `Bearer ${token}` } }),
      }),
    ],
  })

export interface Received {
  /** Empty for an ephemeral event (typing, presence), which has no id. */
  id: string
  event: StreamEvent
  at: number
}

/** Subscribes to messages.events and collects what arrives; `next(n)` waits for n events. */
export const collectEvents = (
  url: string,
  token: string,
  opts: { lastEventId?: string; auth?: 'header' | 'params'; presence?: boolean } = {},
) => {
  const received: Received[] = []
  const errors: unknown[] = []
  const waiters: { n: number; resolve: () => void }[] = []
  let started: () => void = () => undefined
  const ready = new Promise<void>((r) => (started = r))
  const sub = client(url, token, opts.auth).messages.events.subscribe(
    opts.lastEventId === undefined ? {} : { lastEventId: opts.lastEventId },
    {
      onStarted: () => started(),
      onError: (e) => errors.push(e),
      onData: (d) => {
        // An ephemeral event comes without an id (or with the last one the EventSource saw):
        // the link hands it on bare in the first case.
        const bare = !('data' in d)
        // Presence comes whenever someone's stream opens or closes: only tests of it ask for it.
        const event = (bare ? d : d.data) as StreamEvent
        if (!opts.presence && event.type === 'presence') return
        received.push({
          id: bare ? '' : d.id,
          event,
          at: performance.now(),
        })
        for (const w of waiters.filter((w) => received.length >= w.n)) w.resolve()
      },
    },
  )
  const next = (n: number, ms = 5000) =>
    new Promise<Received[]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`expected ${n} events, got ${received.length}`)),
        ms,
      )
      const done = () => {
        clearTimeout(timer)
        resolve(received.slice(0, n))
      }
      if (received.length >= n) done()
      else waiters.push({ n, resolve: done })
    })
  return { received, errors, next, ready, close: () => sub.unsubscribe() }
}

/**
 * The usual test file's server: a test app on a fresh database, served over HTTP before the
 * file's tests and closed after them. Read `t` and `url` inside tests, once it has started.
 */
export const serveTestApp = (env: Record<string, string> = {}) => {
  const served = {} as { t: TestApp; url: string; close: () => Promise<void> }
  beforeAll(async () => {
    served.t = await createTestApp(env)
    const server = await listen(served.t.app)
    served.url = server.url
    served.close = async () => {
      await server.close()
      await served.t.close()
    }
  })
  afterAll(() => served.close())
  return served
}

type User = Awaited<ReturnType<TestApp['signUp']>>

/** `who` sends `text` to a chat, with a fresh clientId. */
export const say = (who: User, chatId: string, text: string, extra: { replyToId?: string } = {}) =>
  who.caller.messages.send({ chatId, clientId: randomUUID(), text, ...extra })
