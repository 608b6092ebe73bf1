// @vitest-environment node
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createTRPCClient, httpBatchLink } from '@trpc/client'
import type { AppRouter } from '@messenger/api/router'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backoffMs, OVERLOAD_ATTEMPTS, overloadRetryLink } from './retry'

/**
 * A real HTTP server answering messages.send the way an overloaded server does: 503
 * SERVICE_UNAVAILABLE with Retry-After `busyFor` times, then the message.
 */
let busyFor = 0
let bodies: string[] = []
const server = createServer((req, res) => {
  let body = ''
  req.on('data', (c: Buffer) => (body += c.toString()))
  req.on('end', () => {
    bodies.push(body)
    res.setHeader('content-type', 'application/json')
    if (bodies.length <= busyFor) {
      res.writeHead(503, { 'retry-after': '1' })
      res.end(
        JSON.stringify([
          {
            error: {
              message: 'Server busy (queue full); retry shortly',
              code: -32603,
              data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503 },
            },
          },
        ]),
      )
      return
    }
    const input = (JSON.parse(body) as Record<string, { clientId: string }>)['0']!
    res.end(JSON.stringify([{ result: { data: { id: 'm1', clientId: input.clientId } } }]))
  })
})
let url = ''
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const client = () =>
  createTRPCClient<AppRouter>({ links: [overloadRetryLink(5), httpBatchLink({ url })] })
const input = { chatId: 'c', clientId: '0190c1f0-0000-7000-8000-000000000001', text: 'hi' }

describe('overloadRetryLink', () => {
  it('retries a 503 with the same input (so the same clientId) until it gets through', async () => {
    busyFor = 2
    bodies = []
    const m = await client().messages.send.mutate(input)
    expect(m).toMatchObject({ clientId: input.clientId })
    expect(bodies).toHaveLength(3)
    expect(new Set(bodies).size).toBe(1)
  })

  it('gives up after OVERLOAD_ATTEMPTS and hands the 503 to the caller', async () => {
    busyFor = 100
    bodies = []
    await expect(client().messages.send.mutate(input)).rejects.toMatchObject({
      data: { code: 'SERVICE_UNAVAILABLE' },
    })
    expect(bodies).toHaveLength(OVERLOAD_ATTEMPTS)
  })

  it('backs off exponentially with jitter', () => {
    expect(backoffMs(1, 1000, () => 0.5)).toBe(1000)
    expect(backoffMs(3, 1000, () => 0.5)).toBe(4000)
    expect(backoffMs(20, 1000, () => 0.5)).toBe(16_000)
    expect(backoffMs(1, 1000, () => 0)).toBe(500)
  })
})
