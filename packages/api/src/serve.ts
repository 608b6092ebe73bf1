import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import type { createApp } from './app'

export type App = ReturnType<typeof createApp>

/**
 * Listens with the app: the HTTP server, with the app's stream door in front of its parser.
 * Resolves once listening.
 */
export const serveApp = async (app: App, opts: { port: number; hostname?: string }) => {
  const server = createAdaptorServer({ fetch: app.fetch }) as Server
  app.streamDoor.attach(server)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.hostname, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return { server, port: (server.address() as AddressInfo).port }
}
