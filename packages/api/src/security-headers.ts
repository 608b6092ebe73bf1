import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'

const common = {
  // HSTS is for whoever terminates TLS: this server may well be spoken to over plain HTTP.
  strictTransportSecurity: false,
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
  // Nothing in the app uses these; a script that got in anyway cannot either.
  permissionsPolicy: {
    accelerometer: false,
    camera: false,
    displayCapture: false,
    geolocation: false,
    gyroscope: false,
    hid: false,
    magnetometer: false,
    microphone: false,
    midi: false,
    payment: false,
    serial: false,
    usb: false,
  },
} satisfies Parameters<typeof secureHeaders>[0]

/**
 * Every answer but the web app (tRPC JSON, health checks, errors): nothing in it may load, run or
 * be framed. Headers a route sets itself (image files, the web app) are kept.
 */
export const apiSecurityHeaders = secureHeaders({
  ...common,
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  overwrite: false,
})

/** What apiSecurityHeaders sets, for answers written straight to Node's response. */
export const apiSecurityHeaderValues = async () => {
  const res = await new Hono()
    .use(apiSecurityHeaders)
    .get('/', (c) => c.body(null))
    .request('/')
  // forEach, not iteration: the root tsconfig (bench, deploy) types Headers without it.
  const out: Record<string, string> = {}
  res.headers.forEach((value, key) => (out[key] = value))
  return out
}

/**
 * The web app: the built page has no inline script or style, so scripts and styles come only from
 * the app's own files; images also from blob: (previews before upload) and data: (placeholders);
 * API calls and the event stream go to the same origin.
 */
export const webAppSecurityHeaders = secureHeaders({
  ...common,
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'blob:', 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
})
