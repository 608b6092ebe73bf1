import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { request, type IncomingMessage } from 'node:http'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'

/** Helpers for tests that drive real server processes over HTTP, as clients and operators do. */

const API_DIR = fileURLToPath(new URL('..', import.meta.url))

export interface ServerProcess {
  url: string
  port: number
  child: ChildProcess
  /** Everything the process printed so far. */
  output: () => string
  /** Resolves with the exit code (null when ended by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  running: () => boolean
}

/**
 * Starts the server as a process of its own: `entry: 'dist'` runs the production bundle
 * (packages/api/dist/server.js, built by `pnpm build`), `'src'` the TypeScript through tsx.
 * Resolves when /readyz answers.
 */
export const startServerProcess = async (options: {
  port: number
  env: Record<string, string>
  entry?: 'src' | 'dist'
  readyTimeoutMs?: number
}): Promise<ServerProcess> => {
  const args =
    options.entry === 'dist'
      ? ['--enable-source-maps', 'dist/server.js']
      : ['--import', 'tsx', 'src/server.ts']
  const child = spawn(process.execPath, args, {
    cwd: API_DIR,
    env: { ...process.env, PORT: String(options.port), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout.on('data', (d: Buffer) => (log += d.toString()))
  child.stderr.on('data', (d: Buffer) => (log += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const running = () => child.exitCode === null && child.signalCode === null
  const url = `http://127.0.0.1:${options.port}`
  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000)
  for (;;) {
    if (!running()) throw new Error(`server exited before it was ready:\n${log}`)
    try {
      if ((await fetch(`${url}/readyz`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server was not ready in time:\n${log}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return { url, port: options.port, child, output: () => log, exited, running }
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}: ${body}`)
  }
}

/** One tRPC call over plain HTTP and JSON, as curl would make it. */
export const callTrpc = async <T>(
  url: string,
  procedure: string,
  input: unknown,
  options: { token?: string; kind?: 'query' | 'mutation'; headers?: Record<string, string> } = {},
): Promise<T> => {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  const res =
    options.kind === 'query'
      ? await fetch(`${url}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`, {
          headers,
        })
      : await fetch(`${url}/trpc/${procedure}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(input),
        })
  const text = await res.text()
  if (!res.ok) throw new HttpError(res.status, text)
  return (JSON.parse(text) as { result: { data: T } }).result.data
}

export interface HttpUser {
  id: string
  login: string
  password: string
  accessToken: string
}

/** Registers and logs in a fresh user through the public API. */
export const signUpOverHttp = async (
  url: string,
  headers: Record<string, string> = {},
): Promise<HttpUser> => {
  const login = `u${randomBytes(5).toString('hex')}`
  const password = `password-${login}`
  await callTrpc(
    url,
    'auth.register',
    {
      login,
      email: `${login}@example.com`,
      firstName: 'Test',
      lastName: login,
      passwordHash: sha256(password),
    },
    { headers },
  )
  const auth = await callTrpc<{ accessToken: string; user: { id: string } }>(
    url,
    'auth.login',
    { login, passwordHash: sha256(password) },
    { headers },
  )
  return { id: auth.user.id, login, password, accessToken: auth.accessToken }
}

export const sendText = (url: string, token: string, chatId: string, text: string) =>
  callTrpc<{ id: string }>(
    url,
    'messages.send',
    { chatId, clientId: randomUUID(), text },
    { token },
  )

export interface SseEvent {
  id: string | undefined
  event: string | undefined
  data: string
}

export interface RawEventStream {
  events: SseEvent[]
  /** The message texts of `message.created` events, in arrival order. */
  texts: () => string[]
  /** 'end' when the server finished the response properly, 'error' when it was cut. */
  closed: Promise<'end' | 'error'>
  waitFor: (predicate: (events: SseEvent[]) => boolean, timeoutMs?: number) => Promise<void>
  close: () => void
}

/** `messages.events` read byte by byte, so a clean end and a cut connection can be told apart. */
export const openRawEventStream = async (
  url: string,
  token: string,
  lastEventId?: string,
  onEvent?: (event: SseEvent) => void,
): Promise<RawEventStream> => {
  const input = encodeURIComponent(JSON.stringify(lastEventId === undefined ? {} : { lastEventId }))
  const events: SseEvent[] = []
  const listeners = new Set<() => void>()
  let settle: (how: 'end' | 'error') => void = () => undefined
  const closed = new Promise<'end' | 'error'>((resolve) => (settle = resolve))
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(`${url}/trpc/messages.events?input=${input}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    })
    req.once('response', resolve)
    req.once('error', reject)
    req.end()
  })
  if (res.statusCode !== 200) throw new HttpError(res.statusCode ?? 0, '')
  let buffer = ''
  res.setEncoding('utf8')
  res.on('data', (chunk: string) => {
    buffer += chunk
    let at: number
    while ((at = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, at)
      buffer = buffer.slice(at + 2)
      const event: SseEvent = { id: undefined, event: undefined, data: '' }
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':')
        const field = line.slice(0, colon)
        const value = line.slice(colon + 1).replace(/^ /, '')
        if (field === 'id') event.id = value
        else if (field === 'event') event.event = value
        else if (field === 'data') event.data += value
      }
      events.push(event)
      onEvent?.(event)
      for (const l of listeners) l()
    }
  })
  res.once('end', () => settle('end'))
  res.once('error', () => settle('error'))
  res.once('aborted', () => settle('error'))
  res.once('close', () => settle(res.complete ? 'end' : 'error'))

  const texts = () =>
    events.flatMap((e) => {
      if (e.id === undefined) return []
      const data = JSON.parse(e.data) as { type?: string; message?: { text?: string } }
      return data.type === 'message.created' && data.message?.text !== undefined
        ? [data.message.text]
        : []
    })
  const waitFor = (predicate: (events: SseEvent[]) => boolean, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate(events)) return
        listeners.delete(check)
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        listeners.delete(check)
        reject(new Error(`stream did not get there in time; it got ${JSON.stringify(events)}`))
      }, timeoutMs)
      listeners.add(check)
      check()
    })
  return { events, texts, closed, waitFor, close: () => res.destroy() }
}

/** A PNG of random pixels, incompressible, of about `bytes` bytes. */
export const noisePng = (bytes: number) => {
  const side = Math.ceil(Math.sqrt(bytes / 3))
  return sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer()
}

/**
 * `POST /api/images` written in chunks with a pause between them, so the upload is still in
 * flight for a while; `onHalfSent` runs once half the body has gone out.
 */
export const uploadImage = (
  url: string,
  token: string,
  file: Buffer,
  options: { chunks?: number; pauseMs?: number; onHalfSent?: () => void } = {},
) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const boundary = `----test${randomBytes(8).toString('hex')}`
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="noise.png"\r\nContent-Type: image/png\r\n\r\n`,
    )
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
    const req = request(`${url}/api/images`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': head.length + file.length + tail.length,
      },
    })
    req.once('error', reject)
    req.once('response', (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.once('error', reject)
    })
    const chunks = options.chunks ?? 1
    const size = Math.ceil(file.length / chunks)
    void (async () => {
      req.write(head)
      for (let i = 0; i < chunks; i++) {
        req.write(file.subarray(i * size, (i + 1) * size))
        if (i === Math.floor(chunks / 2) - 1) options.onHalfSent?.()
        if (options.pauseMs !== undefined && i < chunks - 1) {
          await new Promise((r) => setTimeout(r, options.pauseMs))
        }
      }
      req.end(tail)
    })()
  })
