import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import type { createApp } from './app'

export type App = ReturnType<typeof createApp>

/**
 * Connections the kernel may hold for the server to accept. Node's default, 511, overflowed when
 * thousands of clients (re)connected at once: the kernel drops what does not fit, and each such
 * client waits out SYN retransmits (1 s, 3 s, 7 s) with no sign of it on the server. The kernel
 * caps it at net.core.somaxconn (4,096 on current Linux).
 */
const LISTEN_BACKLOG = 4096

/**
 * Listens with the app: the HTTP server, with the app's stream door in front of its parser.
 * Resolves once listening.
 */
export const serveApp = async (app: App, opts: { port: number; hostname?: string }) => {
  const server = createAdaptorServer({ fetch: app.fetch }) as Server
  app.streamDoor.attach(server)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: opts.port, host: opts.hostname, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return { server, port: (server.address() as AddressInfo).port }
}
