/**
 * Load generator for the capacity benchmark, in a process of its own: holds one SSE stream per
 * user (node:http, spread over several loopback source addresses so 25,000 streams do not run out
 * of ports) and makes each user act about once per `intervalMs`. Driven over IPC by
 * capacity.bench.ts: `open` adds users and answers when their streams are connected, `act` runs
 * the user model for a while and answers with what happened.
 */
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { KINDS, WEIGHTS, type ActReport, type Command, type LoadUser } from './capacity-model'

interface Live extends LoadUser {
  /** Set by `close`: its stream is not reopened. */
  closed: boolean
  lastEventId: string | undefined
  /** The newest message seen per chat, for markRead. */
  newest: Map<string, string>
  stream: http.ClientRequest | null
}

let target = { host: '127.0.0.1', port: 0 }
let addresses: string[] = ['127.0.0.1']
let agents: http.Agent[] = []
let rr = 0
const users: Live[] = []
let receipts = new Map<string, number>()
let reconnects = 0
let stopping = false

const send = (m: unknown) => process.send!(m)

const openStream = (u: Live, i: number, onConnected: () => void) => {
  const input = u.lastEventId === undefined ? {} : { lastEventId: u.lastEventId }
  let connected = false
  const req = http.get(
    {
      ...target,
      path: `/trpc/messages.events?input=${encodeURIComponent(JSON.stringify(input))}`,
      headers: { authorization: `Bearer ${u.token}`, accept: 'text/event-stream' },
      localAddress: addresses[i % addresses.length],
      agent: false,
    },
    (res) => {
      res.setEncoding('utf8')
      let buffer = ''
      res.on('data', (chunk: string) => {
        buffer += chunk
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          if (block.startsWith('event: connected')) {
            if (!connected) {
              connected = true
              onConnected()
            }
            continue
          }
          if (!block.startsWith('id: ')) continue
          const nl = block.indexOf('\n')
          u.lastEventId = block.slice(4, nl)
          if (!block.includes('"message.created"')) continue
          const e = JSON.parse(block.slice(nl + 7)) as { message: { id: string; chatId: string } }
          receipts.set(e.message.id, (receipts.get(e.message.id) ?? 0) + 1)
          u.newest.set(e.message.chatId, e.message.id)
        }
      })
      res.on('close', () => {
        if (stopping || u.closed) return
        reconnects++
        setTimeout(() => openStream(u, i, () => undefined), 1000)
      })
    },
  )
  req.on('error', () => {
    if (stopping || u.closed) return
    reconnects++
    setTimeout(() => openStream(u, i, onConnected), 1000)
  })
  u.stream = req
}

const call = (
  u: Live,
  method: 'GET' | 'POST',
  procedure: string,
  input: unknown,
  timeoutMs: number,
) =>
  new Promise<{ status: number; body: string }>((resolve) => {
    const json = JSON.stringify(input)
    const path =
      method === 'GET'
        ? `/trpc/${procedure}?input=${encodeURIComponent(json)}`
        : `/trpc/${procedure}`
    const req = http.request(
      {
        ...target,
        method,
        path,
        agent: agents[rr++ % agents.length],
        headers: {
          authorization: `Bearer ${u.token}`,
          ...(method === 'POST' && { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? -1, body }))
        res.on('error', () => resolve({ status: -1, body }))
      },
    )
    req.setTimeout(timeoutMs, () => {
      req.destroy()
      resolve({ status: 0, body: '' })
    })
    req.on('error', () => resolve({ status: -1, body: '' }))
    req.end(method === 'POST' ? json : undefined)
  })

const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!

const act = async (c: Extract<Command, { type: 'act' }>) => {
  receipts = new Map()
  reconnects = 0
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  const kinds: number[] = []
  const statuses: number[] = []
  const ms: number[] = []
  const sent: [string, string][] = []
  const end = performance.now() + c.durationMs
  const inFlight = new Set<Promise<void>>()
  const text = () => Array.from({ length: 6 }, () => pick(c.words)).join(' ')

  const once = async (u: Live) => {
    let r = Math.random()
    let k = 0
    while (r >= WEIGHTS[k]! && k < WEIGHTS.length - 1) r -= WEIGHTS[k++]!
    let kind = KINDS[k]!
    const chatId = pick(u.chats)
    const newest = u.newest.get(chatId)
    if (kind === 'markRead' && newest === undefined) kind = 'history'
    const t0 = performance.now()
    let res: { status: number; body: string }
    switch (kind) {
      case 'send':
        res = await call(
          u,
          'POST',
          'messages.send',
          { chatId, clientId: randomUUID(), text: text() },
          c.timeoutMs,
        )
        if (res.status === 200) {
          const m = (JSON.parse(res.body) as { result: { data: { id: string } } }).result.data
          sent.push([m.id, chatId])
        }
        break
      case 'history':
        res = await call(u, 'GET', 'messages.list', { chatId, limit: 50 }, c.timeoutMs)
        break
      case 'chats':
        res = await call(u, 'GET', 'chats.list', { limit: 30 }, c.timeoutMs)
        break
      case 'markRead':
        res = await call(u, 'POST', 'chats.markRead', { chatId, messageId: newest }, c.timeoutMs)
        break
      case 'search':
        res = await call(
          u,
          'GET',
          'messages.search',
          { query: pick(c.words), limit: 20 },
          c.timeoutMs,
        )
        break
    }
    kinds.push(KINDS.indexOf(kind))
    statuses.push(res.status)
    ms.push(performance.now() - t0)
  }

  // Poisson arrivals per user: exponential gaps with the given mean, started at random phases.
  const timers: NodeJS.Timeout[] = []
  const schedule = (u: Live, delay: number) => {
    if (performance.now() + delay >= end) return
    timers.push(
      setTimeout(() => {
        const p = once(u).finally(() => inFlight.delete(p))
        inFlight.add(p)
        schedule(u, -Math.log(1 - Math.random()) * c.intervalMs)
      }, delay),
    )
  }
  for (const u of users) schedule(u, Math.random() * c.intervalMs)
  await new Promise((r) => setTimeout(r, c.durationMs))
  for (const t of timers) clearTimeout(t)
  await Promise.all(inFlight)
  // Let the last messages' events arrive.
  await new Promise((r) => setTimeout(r, 3000))
  const report: ActReport = {
    type: 'acted',
    kinds,
    statuses,
    ms,
    sent,
    receipts: [...receipts],
    reconnects,
    loopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
  }
  loop.disable()
  send(report)
}

process.on('message', (c: Command) => {
  switch (c.type) {
    case 'open': {
      const u = new URL(c.url)
      target = { host: u.hostname, port: Number(u.port) }
      if (agents.length === 0) {
        addresses = c.addresses
        agents = addresses.map(
          (localAddress) => new http.Agent({ keepAlive: true, maxSockets: 128, localAddress }),
        )
      }
      let pending = c.users.length
      if (pending === 0) send({ type: 'opened' })
      for (const lu of c.users) {
        const live: Live = {
          ...lu,
          closed: false,
          lastEventId: undefined,
          newest: new Map(),
          stream: null,
        }
        users.push(live)
        openStream(live, users.length - 1, () => {
          if (--pending === 0) send({ type: 'opened' })
        })
      }
      break
    }
    case 'act':
      void act(c)
      break
    case 'close':
      for (const u of users.splice(0)) {
        u.closed = true
        u.stream?.destroy()
      }
      send({ type: 'closed' })
      break
    case 'tokens': {
      const fresh = new Map(c.tokens)
      for (const u of users) u.token = fresh.get(u.id) ?? u.token
      send({ type: 'tokens' })
      break
    }
    case 'exit':
      stopping = true
      for (const u of users) u.stream?.destroy()
      for (const a of agents) a.destroy()
      process.exit(0)
  }
})
send({ type: 'ready' })
