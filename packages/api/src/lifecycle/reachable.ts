import { connect } from 'node:net'

/** True when something accepts a TCP connection at host:port within the timeout. */
export const reachable = (host: string, port: number, timeoutMs = 3000) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })

const DEFAULT_PORTS: Record<string, number> = {
  'redis:': 6379,
  'rediss:': 6379,
  'http:': 80,
  'https:': 443,
  'mysql:': 3306,
}

/** Host and port of a service URL, with the scheme's default port; IPv6 brackets removed. */
export const hostPort = (url: string) => {
  const u = new URL(url)
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(u.port || DEFAULT_PORTS[u.protocol] || 0),
  }
}
