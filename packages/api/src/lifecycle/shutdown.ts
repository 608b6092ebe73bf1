import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { StreamDoor } from '../events/stream-door'

export interface GracefulStop {
  /**
   * Stops accepting connections, ends event streams (their clients resume elsewhere with
   * lastEventId) and waits for the other requests in flight, cutting whatever is left at the
   * deadline. Resolves with the number of requests cut.
   */
  stop: (deadlineMs: number) => Promise<number>
  count: () => number
}

/** Tracks the requests in flight on `server` from now on, so that they can finish on shutdown. */
export const trackRequests = (
  server: Server,
  isStream: (req: IncomingMessage) => boolean,
  door?: Pick<StreamDoor, 'endAll' | 'count'>,
): GracefulStop => {
  const inFlight = new Map<ServerResponse, IncomingMessage>()
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight.set(res, req)
    res.once('close', () => inFlight.delete(res))
  })

  const endStreams = () => {
    for (const [res, req] of inFlight) {
      // A stream still authenticating has sent nothing yet; the next round ends it.
      if (isStream(req) && res.headersSent && !res.writableEnded) res.end()
    }
    door?.endAll()
  }

  return {
    count: () => inFlight.size + (door?.count ?? 0),
    stop: async (deadlineMs) => {
      const deadline = Date.now() + deadlineMs
      server.close()
      // Streams served on the bare socket are no request of the server's: end them apart.
      door?.endAll()
      while (inFlight.size > 0 && Date.now() < deadline) {
        endStreams()
        // Keep-alive connections whose request just finished would otherwise stay open.
        server.closeIdleConnections()
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const cut = inFlight.size
      server.closeAllConnections()
      return cut
    },
  }
}
