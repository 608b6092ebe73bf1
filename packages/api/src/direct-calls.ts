import type { IncomingMessage, ServerResponse } from 'node:http'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import {
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  TRPCError,
  type AnyTRPCProcedure,
} from '@trpc/server'
import { getHTTPStatusCodeFromError } from '@trpc/server/http'
import type { Context as HonoContext, Next } from 'hono'
import { Overloaded } from './admission'
import type { AppEnv } from './app'
import {
  authenticate,
  bearer,
  ContextError,
  createContextInner,
  type Context,
  type RequestMeta,
} from './context'
import type { Deps } from './deps'
import { logUnexpected } from './logger'
import { appRouter } from './root'
import { apiSecurityHeaderValues } from './security-headers'

const securityHeaders = apiSecurityHeaderValues()

/** The headers tRPC's fetch adapter gives every single-call answer, with app.ts's responseMeta's. */
const ANSWER_HEADERS = {
  'content-type': 'application/json',
  vary: 'trpc-accept, accept',
  'cache-control': 'no-store',
}

// Keyed by the full path ("messages.send") at run time, whatever the nested type says.
const procedures = appRouter._def.procedures as unknown as Record<
  string,
  AnyTRPCProcedure | undefined
>

/** Calls answered here, so a test can tell this path from tRPC's. */
export const directCallCount = { value: 0 }

/** A single query (GET) or mutation (POST) of the router, or null for anything else. */
const procedureFor = (method: string, path: string) => {
  const proc = procedures[path]
  if (!proc) return null
  const type = proc._def.type
  return (type === 'query' && method === 'GET') || (type === 'mutation' && method === 'POST')
    ? { proc, type }
    : null
}

/** tRPC's streaming answers (jsonl), which only batches may ask for. */
const streaming = (headers: IncomingMessage['headers']) =>
  headers['trpc-accept'] !== undefined || headers.accept?.includes('application/jsonl') === true

const isJson = (contentType: string | undefined) =>
  contentType?.split(';', 1)[0]!.trim().toLowerCase() === 'application/json'

const decodePath = (raw: string) => {
  try {
    return decodeURIComponent(raw)
  } catch {
    return null
  }
}

/** The whole body of a request whose Content-Length was checked against the limit. */
const readBody = (incoming: IncomingMessage, length: number) =>
  new Promise<string>((resolve, reject) => {
    if (length === 0) return resolve('')
    // A client that left while the call waited for admission: its 'close' came and went, and
    // waiting for it would hold the call's slot for good (at 64 of them, every call a 503).
    if (incoming.destroyed) return reject(new Error('The request body ended early'))
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    incoming.once('error', reject)
    // A client that left midway: 'end' never comes.
    incoming.once('close', () => reject(new Error('The request body ended early')))
  })

/**
 * Answers a single tRPC query or mutation straight from Node's request, as tRPC's fetch adapter
 * would, byte for byte (direct-calls.test.ts compares the two). The adapter builds a web Request,
 * a body stream, abort signals, a Headers and a Response per call, and Hono's bodyLimit reads the
 * body through a stream too: about half the server's CPU on a send. Everything unusual — a batch,
 * a subscription, a wrong method, an unknown path, a body without Content-Length, another content
 * type, a test's app.request without Node's objects — goes on to tRPC's handler (`next`).
 */
export const directCalls =
  (deps: Deps, metaOf: (c: HonoContext<AppEnv>) => Omit<RequestMeta, 'resHeaders' | 'calls'>) =>
  async (c: HonoContext<AppEnv>, next: Next) => {
    const node = c.env as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined
    const incoming = node?.incoming
    const outgoing = node?.outgoing
    if (!incoming || !outgoing) return next()
    const url = incoming.url ?? ''
    const q = url.indexOf('?')
    const path = decodePath(url.slice('/trpc/'.length, q < 0 ? undefined : q))
    // A path that is not valid URL-encoding: tRPC answers its 400.
    if (path === null) return next()
    const found = procedureFor(incoming.method ?? '', path)
    const headers = incoming.headers
    const query = q < 0 ? null : new URLSearchParams(url.slice(q + 1))
    if (!found || query?.has('batch') || streaming(headers)) return next()
    let length = 0
    if (found.type === 'mutation') {
      const declared = headers['content-length']
      if (!isJson(headers['content-type']) || declared === undefined) return next()
      if (headers['transfer-encoding'] !== undefined) return next()
      length = Number(declared)
      // bodyLimit refuses it unread.
      if (!(length <= deps.config.maxRequestBytes)) return next()
    }
    const { proc, type } = found
    directCallCount.value++

    const resHeaders = new Headers()
    let release: (() => void) | undefined
    let ctx: Context | undefined
    let input: unknown
    let status = 200
    let body: string
    try {
      try {
        release = await deps.admission.enter()
      } catch (e) {
        if (!(e instanceof Overloaded)) throw e
        resHeaders.set('Retry-After', '1')
        throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: e.message, cause: e })
      }
      const meta = metaOf(c)
      let user
      try {
        user = await authenticate(deps, bearer(headers.authorization ?? null))
      } catch (e) {
        throw new ContextError(meta.requestId, e)
      }
      ctx = createContextInner(deps, user, { ...meta, resHeaders, calls: 1 })
      const data: unknown = await proc({
        path,
        ctx,
        type,
        // Read only when the procedure takes input, and failing as tRPC's JSON reader does.
        getRawInput: async () => {
          try {
            const text =
              type === 'mutation' ? await readBody(incoming, length) : query?.get('input')
            // An empty body or no `input` is no input.
            if (text) input = JSON.parse(text) as unknown
            return input
          } catch (cause) {
            throw new TRPCError({
              code: 'BAD_REQUEST',
              message: cause instanceof Error ? cause.message : 'Invalid input',
              cause,
            })
          }
        },
        signal: undefined,
        batchIndex: 0,
      })
      body = JSON.stringify({ result: { data } })
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause)
      logUnexpected(deps.log, error, path, c.get('requestId'))
      status = getHTTPStatusCodeFromError(error)
      body = JSON.stringify({
        error: getTRPCErrorShape({
          config: appRouter._def._config,
          error,
          type,
          path,
          input,
          ctx,
        }),
      })
    } finally {
      release?.()
    }
    const answer: Record<string, string | number> = {
      ...(await securityHeaders),
      ...ANSWER_HEADERS,
      'x-request-id': c.get('requestId'),
      'content-length': Buffer.byteLength(body),
    }
    resHeaders.forEach((value, key) => (answer[key] = value))
    outgoing.writeHead(status, answer)
    outgoing.end(body)
    c.set('status', status)
    return RESPONSE_ALREADY_SENT
  }
