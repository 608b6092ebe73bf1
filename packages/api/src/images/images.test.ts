import { randomUUID } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  animatedGif,
  cmykJpeg,
  hugeDeclaredPng,
  inspectImage,
  orientedJpeg,
  photoJpeg,
  png16WithAlpha,
  svgWithScript,
  textNamedJpg,
  truncatedJpeg,
} from '@messenger/images/testing'
import { image as imageSchema, type Image } from '@messenger/shared'
import { TRPCError } from '@trpc/server'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { bearer, createTestApp, type TestApp } from '../testing'
import { drainLimit } from '../multipart'
import { assertOwnImages, resolveImages, uploadImage } from './service'
import {
  IMAGE_URL_BUCKET_SECONDS,
  IMAGE_URL_TTL_SECONDS,
  signImagePath,
  urlExpiry,
} from './signing'

// Real sharp work on a shared 2-core machine: allow more than vitest's default 5 s.
vi.setConfig({ testTimeout: 30_000 })

type Member = Awaited<ReturnType<TestApp['signUp']>>

const form = (bytes: Buffer, filename = 'photo.jpg', type = 'image/jpeg', field = 'file') => {
  const f = new FormData()
  f.append(field, new Blob([new Uint8Array(bytes)], { type }), filename)
  return f
}

const upload = async (t: TestApp, token: string | null, body: FormData | Buffer) => {
  const res = await t.app.request('/api/images', {
    method: 'POST',
    headers: token === null ? {} : bearer(token),
    body: body instanceof FormData ? body : new Uint8Array(body),
  })
  return {
    status: res.status,
    body: (await res.json()) as { image?: Image; error?: { code: string; message: string } },
  }
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p
    return 'OK'
  } catch (e) {
    return e instanceof TRPCError ? `${e.code}: ${e.message}` : String(e)
  }
}

const storedFiles = (t: TestApp) => {
  const root = join(t.config.dataDir, 'images')
  return existsSync(root)
    ? readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length
    : 0
}
const imageRows = async (t: TestApp) =>
  Number(
    (
      await t.db
        .selectFrom('images')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

describe('POST /api/images', () => {
  let t: TestApp
  let ann: Member
  beforeAll(async () => {
    t = await createTestApp({ MAX_UPLOAD_BYTES: String(4 * 1024 * 1024) })
    ann = await t.signUp({ firstName: 'Ann' })
  })
  afterAll(() => t.close())

  it('answers 401 without a valid token, and stores nothing', async () => {
    const photo = await orientedJpeg(1)
    expect((await upload(t, null, form(photo))).status).toBe(401)
    const bad = await upload(t, 'not-a-token', form(photo))
    expect(bad.status).toBe(401)
    expect(bad.body.error?.code).toBe('UNAUTHORIZED')
    expect(await imageRows(t)).toBe(0)
  })

  it('stores a phone photo: 201 with FullHD, thumbnails, placeholder and signed URLs', async () => {
    const photo = await photoJpeg(2400, 1800, 80)
    const res = await upload(t, ann.accessToken, form(photo))
    expect(res.status).toBe(201)
    const image = imageSchema.parse(res.body.image)
    expect(image).toMatchObject({ width: 2400, height: 1800, full: { width: 1440, height: 1080 } })
    expect(image.thumbnails.map((v) => [v.width, v.height])).toEqual([
      [160, 120],
      [320, 240],
      [640, 480],
    ])
    expect(image.placeholder).toMatch(/^data:image\/webp;base64,/)
    for (const v of [image.full, ...image.thumbnails]) {
      expect(v.url).toMatch(
        new RegExp(`^/api/images/${image.id}/(full|\\d+)\\.webp\\?e=\\d+&s=[\\w-]+$`),
      )
      const file = await t.app.request(v.url)
      expect(file.status).toBe(200)
      const bytes = Buffer.from(await file.arrayBuffer())
      const m = await inspectImage(bytes)
      expect([m.format, m.width, m.height]).toEqual(['webp', v.width, v.height])
      expect(m.exif).toBeUndefined()
      expect(m.xmp).toBeUndefined()
      expect(bytes.includes('secret')).toBe(false)
    }
    expect(await imageRows(t)).toBe(1)
    expect(storedFiles(t)).toBe(4)
  })

  it.each([
    ['CMYK JPEG', cmykJpeg, [300, 200]],
    ['16-bit PNG with alpha', png16WithAlpha, [400, 300]],
    ['animated GIF (first frame)', animatedGif, [120, 80]],
    ['JPEG with EXIF orientation 6', () => orientedJpeg(6), [300, 200]],
  ] as const)('accepts a %s', async (_, make, [w, h]) => {
    const res = await upload(t, ann.accessToken, form(await make()))
    expect(res.status).toBe(201)
    expect([res.body.image?.full.width, res.body.image?.full.height]).toEqual([w, h])
  })

  describe('rejections store nothing and say what is wrong', () => {
    let rowsBefore: number
    let filesBefore: number
    beforeAll(async () => {
      rowsBefore = await imageRows(t)
      filesBefore = storedFiles(t)
    })
    afterAll(async () => {
      expect(await imageRows(t)).toBe(rowsBefore)
      expect(storedFiles(t)).toBe(filesBefore)
    })

    it.each([
      ['a truncated JPEG', truncatedJpeg, 400, 'BAD_REQUEST', /damaged or incomplete/],
      ['zero bytes', () => Promise.resolve(Buffer.alloc(0)), 400, 'BAD_REQUEST', /empty/],
      [
        'text named .jpg',
        () => Promise.resolve(textNamedJpg()),
        400,
        'BAD_REQUEST',
        /not an image/,
      ],
      ['a PNG declaring 30000×30000', hugeDeclaredPng, 413, 'PAYLOAD_TOO_LARGE', /30000×30000/],
      [
        'an SVG with a script',
        () => Promise.resolve(svgWithScript()),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        /SVG/,
      ],
    ] as const)('%s → %i', async (_, make, status, code, message) => {
      const res = await upload(t, ann.accessToken, form(await make()))
      expect(res.status).toBe(status)
      expect(res.body.error?.code).toBe(code)
      expect(res.body.error?.message).toMatch(message)
    })

    it('an upload over the byte limit → 413', async () => {
      const big = Buffer.alloc(5 * 1024 * 1024, 1)
      const res = await upload(t, ann.accessToken, form(big))
      expect(res.status).toBe(413)
      expect(res.body.error?.message).toMatch(/at most 4194304 bytes/)
    })

    it('stops reading an oversize upload once it passes the limit, whatever its headers say', async () => {
      // A body streamed without Content-Length: only the streaming limit can stop it.
      const boundary = 'x-boundary-1234'
      const total = 64 * 1024 * 1024
      const chunk = new Uint8Array(256 * 1024).fill(7)
      let pulled = 0
      let head = true
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (head) {
            head = false
            controller.enqueue(
              new TextEncoder().encode(
                `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
              ),
            )
          } else if (pulled < total) {
            pulled += chunk.length
            controller.enqueue(chunk)
          } else {
            controller.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`))
            controller.close()
          }
        },
      })
      const res = await t.app.request('/api/images', {
        method: 'POST',
        headers: {
          ...bearer(ann.accessToken),
          'content-type': `multipart/form-data; boundary=${boundary}`,
        },
        body,
        duplex: 'half',
      })
      expect(res.status).toBe(413)
      // The answer comes while the body is still arriving; the rest is drained (so browsers read the
      // 413) only up to drainLimit, then the stream is cut.
      expect(pulled).toBeLessThan(total)
      await new Promise((r) => setTimeout(r, 300))
      // The limit itself, the drain allowance, and a few MiB that streams buffer ahead.
      const limit = 4 * 1024 * 1024
      expect(pulled).toBeLessThan(limit + drainLimit(limit) + 4 * 1024 * 1024)
      expect(pulled).toBeLessThan(total / 2)
    })

    it('a declared Content-Length far over the limit → 413 before reading', async () => {
      const res = await t.app.request('/api/images', {
        method: 'POST',
        headers: {
          ...bearer(ann.accessToken),
          'content-type': 'multipart/form-data; boundary=abc',
          'content-length': String(1024 * 1024 * 1024),
        },
        body: '--abc--\r\n',
      })
      expect(res.status).toBe(413)
    })

    it.each([
      ['not multipart', () => Buffer.from('{"file":1}'), /multipart\/form-data/],
      [
        'the wrong field name',
        () => form(Buffer.from('x'), 'a.jpg', 'image/jpeg', 'photo'),
        /field `file`/,
      ],
      ['no file at all', () => new FormData(), /field `file`/],
    ] as const)('%s → 400', async (_, make, message) => {
      const res = await upload(t, ann.accessToken, make())
      expect(res.status).toBe(400)
      expect(res.body.error?.message).toMatch(message)
    })

    it('keeps serving after all of that', async () => {
      const res = await upload(t, ann.accessToken, form(await orientedJpeg(3)))
      expect(res.status).toBe(201)
      rowsBefore++
      filesBefore += 2
    })
  })
})

describe('GET /api/images/...', () => {
  let t: TestApp
  let ann: Member
  let image: Image
  beforeAll(async () => {
    t = await createTestApp()
    ann = await t.signUp()
    const res = await upload(t, ann.accessToken, form(await photoJpeg(1200, 800)))
    image = res.body.image!
  })
  afterAll(() => t.close())

  it('serves with the exact type, nosniff, a CSP, private caching and an ETag', async () => {
    const res = await t.app.request(image.full.url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/webp')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'")
    const cc = res.headers.get('cache-control')!
    expect(cc).toMatch(/^private, max-age=\d+/)
    const maxAge = Number(/max-age=(\d+)/.exec(cc)![1])
    expect(maxAge).toBeGreaterThanOrEqual(3500)
    expect(maxAge).toBeLessThanOrEqual(3600 + 900)
    expect(res.headers.get('etag')).toBe(`"${image.id}.full"`)
    expect(Number(res.headers.get('content-length'))).toBe((await res.arrayBuffer()).byteLength)
  })

  it('answers 304 for a matching ETag', async () => {
    const first = await t.app.request(image.thumbnails[0]!.url)
    const etag = first.headers.get('etag')!
    const again = await t.app.request(image.thumbnails[0]!.url, {
      headers: { 'if-none-match': etag },
    })
    expect(again.status).toBe(304)
    expect(again.headers.get('etag')).toBe(etag)
    expect(again.headers.get('cache-control')).toMatch(/^private/)
    expect(await again.text()).toBe('')
    const other = await t.app.request(image.thumbnails[0]!.url, {
      headers: { 'if-none-match': '"nope"' },
    })
    expect(other.status).toBe(200)
  })

  it('hands out the same URL within a time bucket, so browsers can cache it', () => {
    const bucket = IMAGE_URL_BUCKET_SECONDS * 1000
    const start = Math.ceil(Date.now() / bucket) * bucket
    const at = (ms: number) => new Date(start + ms)
    expect(urlExpiry(at(1))).toBe(urlExpiry(at(bucket - 1)))
    expect(urlExpiry(at(bucket + 1))).toBe(urlExpiry(at(1)) + IMAGE_URL_BUCKET_SECONDS)
    for (const ms of [0, 1, bucket / 2, bucket - 1])
      expect(urlExpiry(at(ms)) - (start + ms) / 1000).toBeGreaterThanOrEqual(IMAGE_URL_TTL_SECONDS)
    const sign = (ms: number) =>
      signImagePath(t.config.jwtSecret, image.id, 'full', urlExpiry(at(ms)))
    expect(sign(1)).toBe(sign(bucket - 1))
    expect(sign(1)).not.toBe(sign(bucket + 1))
  })

  it('signs fresh URLs on every answer: resolveImages matches the upload answer', async () => {
    const again = (await resolveImages(t.deps, [image.id])).get(image.id)!
    expect(again.id).toBe(image.id)
    expect(again.thumbnails.map((v) => [v.width, v.height])).toEqual(
      image.thumbnails.map((v) => [v.width, v.height]),
    )
    expect((await t.app.request(again.full.url)).status).toBe(200)
  })

  it('refuses a forged signature with 403', async () => {
    const url = new URL(image.full.url, 'http://x')
    const sig = url.searchParams.get('s')!
    url.searchParams.set('s', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1))
    const res = await t.app.request(url.pathname + url.search)
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /not valid/,
    )
  })

  it('refuses a signature moved to another version, another image or another expiry', async () => {
    const full = new URL(image.full.url, 'http://x')
    const thumb = new URL(image.thumbnails[0]!.url, 'http://x')
    const swapped = `${thumb.pathname}?e=${full.searchParams.get('e')}&s=${full.searchParams.get('s')}`
    expect((await t.app.request(swapped)).status).toBe(403)
    const otherId = `/api/images/${randomUUID()}/full.webp${full.search}`
    expect((await t.app.request(otherId)).status).toBe(403)
    const later = `${full.pathname}?e=${Number(full.searchParams.get('e')) + 900}&s=${full.searchParams.get('s')}`
    expect((await t.app.request(later)).status).toBe(403)
  })

  it('refuses an expired URL with 403, and a URL without a signature', async () => {
    const expired = signImagePath(
      t.config.jwtSecret,
      image.id,
      'full',
      Math.floor(Date.now() / 1000) - 1,
    )
    const res = await t.app.request(expired)
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/expired/)
    expect((await t.app.request(`/api/images/${image.id}/full.webp`)).status).toBe(403)
  })

  it('answers 404 for a validly signed version that does not exist and for odd paths', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600
    expect(
      (await t.app.request(signImagePath(t.config.jwtSecret, image.id, '1280', exp))).status,
    ).toBe(404)
    expect((await t.app.request(`/api/images/..%2F..%2Fsecrets/full.webp?e=1&s=x`)).status).toBe(
      404,
    )
  })
})

describe('images in messages', () => {
  let t: TestApp
  let ann: Member
  let bob: Member
  let eve: Member
  let chatId: string
  let annImage: Image
  let eveImage: Image
  beforeAll(async () => {
    t = await createTestApp()
    ann = await t.signUp({ firstName: 'Ann' })
    bob = await t.signUp({ firstName: 'Bob' })
    eve = await t.signUp({ firstName: 'Eve' })
    chatId = (await ann.caller.chats.createDirect({ userId: bob.user.id })).id
    annImage = (await upload(t, ann.accessToken, form(await orientedJpeg(1)))).body.image!
    eveImage = (await upload(t, eve.accessToken, form(await orientedJpeg(2)))).body.image!
  })
  afterAll(() => t.close())

  it('sends the uploader’s own images; members get them with working signed URLs', async () => {
    const sent = await ann.caller.messages.send({
      chatId,
      clientId: randomUUID(),
      imageIds: [annImage.id],
    })
    expect(sent.images).toEqual([annImage])
    const listed = await bob.caller.messages.list({ chatId })
    const got = listed.items.find((m) => m.id === sent.id)!.images[0]!
    expect(got.id).toBe(annImage.id)
    expect((await t.app.request(got.thumbnails[0]!.url)).status).toBe(200)
  })

  it('refuses someone else’s upload in messages.send with FORBIDDEN naming imageIds', async () => {
    expect(
      await codeOf(
        ann.caller.messages.send({ chatId, clientId: randomUUID(), imageIds: [eveImage.id] }),
      ),
    ).toMatch(/^FORBIDDEN: imageIds:/)
    expect(await codeOf(assertOwnImages(t.deps, ann.user.id, [annImage.id, eveImage.id]))).toMatch(
      /^FORBIDDEN: imageIds: .*only your own uploads/,
    )
  })

  it('refuses an unknown image id with BAD_REQUEST naming imageIds', async () => {
    const unknown = randomUUID()
    expect(
      await codeOf(
        ann.caller.messages.send({ chatId, clientId: randomUUID(), imageIds: [unknown] }),
      ),
    ).toMatch(new RegExp(`^BAD_REQUEST: imageIds: .*${unknown}`))
  })

  it('gives an outsider no URL: they cannot list the chat, and guessing a signature fails', async () => {
    expect(await codeOf(eve.caller.messages.list({ chatId }))).toMatch(/^(FORBIDDEN|NOT_FOUND)/)
    const path = new URL(annImage.full.url, 'http://x').pathname
    expect(
      (await t.app.request(`${path}?e=${Math.floor(Date.now() / 1000) + 600}&s=${'A'.repeat(22)}`))
        .status,
    ).toBe(403)
  })

  it('fills images in search results too', async () => {
    const sent = await ann.caller.messages.send({
      chatId,
      clientId: randomUUID(),
      text: 'sunset over the harbour',
      imageIds: [annImage.id],
    })
    // The search index follows the event log: wait for the message to be indexed.
    const hit = async () =>
      (await bob.caller.messages.search({ query: 'harbour', chatId })).items.find(
        (h) => h.message.id === sent.id,
      )
    await expect.poll(hit, { timeout: 2000, interval: 20 }).toBeDefined()
    expect((await hit())?.message.images.map((i) => i.id)).toEqual([annImage.id])
  })

  it('leaves no files behind when the row cannot be written', async () => {
    const before = storedFiles(t)
    // No such user: the foreign key refuses the row after the files were written.
    const e = await uploadImage(t.deps, randomUUID(), await orientedJpeg(1)).catch(
      (err: unknown) => err,
    )
    expect(e).toBeInstanceOf(Error)
    expect(storedFiles(t)).toBe(before)
  })

  it('resolves many ids in one call and leaves unknown ones out', async () => {
    const map = await resolveImages(t.deps, [annImage.id, eveImage.id, randomUUID()])
    expect([...map.keys()].sort()).toEqual([annImage.id, eveImage.id].sort())
    expect(await resolveImages(t.deps, [])).toEqual(new Map())
  })
})
