import { randomBytes, randomUUID } from 'node:crypto'
import { existsSync, readdirSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { orientedJpeg } from '@messenger/images/testing'
import { fileAttachment, type FileAttachment, type Image } from '@messenger/shared'
import { describe, expect, it, vi } from 'vitest'
import { bearer, errorCode, type TestApp } from '../testing'
import { serveTestApp } from '../testing-sse'
import { signFilePath } from './service'
import { sweepOnce } from './sweep'
import { contentDisposition, safeFileName } from './upload'

vi.setConfig({ testTimeout: 30_000 })

const LIMIT = 256 * 1024
const served = serveTestApp({ MAX_FILE_BYTES: String(LIMIT) })
type Member = Awaited<ReturnType<TestApp['signUp']>>

const form = (bytes: Buffer, filename: string, type = 'application/pdf') => {
  const f = new FormData()
  f.append('file', new Blob([new Uint8Array(bytes)], { type }), filename)
  return f
}

/** Over real HTTP, so the body streams as a browser's would. */
const uploadFile = async (token: string | null, body: FormData) => {
  const res = await fetch(`${served.url}/api/files`, {
    method: 'POST',
    headers: token === null ? {} : bearer(token),
    body,
  })
  return {
    status: res.status,
    body: (await res.json()) as {
      file?: FileAttachment
      error?: { code: string; message: string; maxBytes?: number }
    },
  }
}

const uploadImage = async (token: string) => {
  const f = new FormData()
  f.append(
    'file',
    new Blob([new Uint8Array(await orientedJpeg(1))], { type: 'image/jpeg' }),
    'a.jpg',
  )
  const res = await fetch(`${served.url}/api/images`, {
    method: 'POST',
    headers: bearer(token),
    body: f,
  })
  return ((await res.json()) as { image: Image }).image
}

/** Every regular file under DATA_DIR/<dir>, temporary ones included. */
const onDisk = (dir: string) => {
  const root = join(served.t.config.dataDir, dir)
  return existsSync(root)
    ? readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name))
    : []
}
const fileRow = (id: string) =>
  served.t.db.selectFrom('files').select('id').where('id', '=', id).executeTakeFirst()
const imageRow = (id: string) =>
  served.t.db.selectFrom('images').select('id').where('id', '=', id).executeTakeFirst()

const pair = async () => {
  const ann = await served.t.signUp({ firstName: 'Ann' })
  const bob = await served.t.signUp({ firstName: 'Bob' })
  const eve = await served.t.signUp({ firstName: 'Eve' })
  const chat = await ann.caller.chats.createDirect({ userId: bob.user.id })
  return { ann, bob, eve, chat }
}

const send = (who: Member, chatId: string, extra: { fileIds?: string[]; imageIds?: string[] }) =>
  who.caller.messages.send({ chatId, clientId: randomUUID(), ...extra })

describe('POST /api/files', () => {
  it('streams any file to disk and answers its name, size, type and a signed URL', async () => {
    const { ann } = await pair()
    const bytes = randomBytes(100_000)
    const res = await uploadFile(ann.accessToken, form(bytes, 'Отчёт за ноябрь.pdf'))
    expect(res.status).toBe(201)
    const file = fileAttachment.parse(res.body.file)
    expect(file).toMatchObject({
      name: 'Отчёт за ноябрь.pdf',
      size: 100_000,
      contentType: 'application/pdf',
    })
    expect(file.url).toMatch(new RegExp(`^/api/files/${file.id}\\?e=\\d+&s=[\\w-]+$`))
    expect(await fileRow(file.id)).toBeDefined()
    expect(onDisk('files').some((p) => p.endsWith(file.id))).toBe(true)
    expect(onDisk('files').some((p) => p.endsWith('.tmp'))).toBe(false)
  })

  it('answers 401 without a token and stores nothing', async () => {
    const before = onDisk('files').length
    expect((await uploadFile(null, form(randomBytes(10), 'a.txt'))).status).toBe(401)
    expect(onDisk('files').length).toBe(before)
  })

  it('answers 413 over MAX_FILE_BYTES, naming the limit, and leaves nothing behind', async () => {
    const { ann } = await pair()
    const before = onDisk('files').length
    const res = await uploadFile(ann.accessToken, form(randomBytes(LIMIT + 1), 'big.zip'))
    expect(res.status).toBe(413)
    expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', maxBytes: LIMIT })
    expect(res.body.error?.message).toContain(String(LIMIT))
    // Far over the limit: refused from Content-Length before reading.
    const huge = await uploadFile(ann.accessToken, form(randomBytes(40 * 1024 * 1024), 'huge.iso'))
    expect(huge.status).toBe(413)
    expect(onDisk('files').length).toBe(before)
    // Exactly the limit fits.
    expect((await uploadFile(ann.accessToken, form(randomBytes(LIMIT), 'fits.bin'))).status).toBe(
      201,
    )
  })

  it('keeps a safe name: no path, no control or bidi characters, the extension kept', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd')
    expect(safeFileName('C:\\Users\\me\\doc.txt')).toBe('doc.txt')
    expect(safeFileName('evil\u202Efdp.exe')).toBe('evilfdp.exe')
    expect(safeFileName('a\r\nb.txt')).toBe('ab.txt')
    expect(safeFileName('...')).toBe('file')
    expect(safeFileName(`${'я'.repeat(300)}.tar.gz`)).toHaveLength(255)
    expect(safeFileName(`${'я'.repeat(300)}.tar.gz`).endsWith('.gz')).toBe(true)
    expect(contentDisposition('отчёт "1".pdf')).toBe(
      `attachment; filename="_____ _1_.pdf"; filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82%20%221%22.pdf`,
    )
  })
})

describe('files in messages', () => {
  it('a member downloads the bytes as an attachment that is never rendered', async () => {
    const { ann, bob, chat } = await pair()
    const bytes = Buffer.from('<html><script>alert(1)</script></html>')
    const up = await uploadFile(ann.accessToken, form(bytes, 'page.html', 'text/html'))
    const file = up.body.file!
    const sent = await send(ann, chat.id, { fileIds: [file.id] })
    expect(sent.files?.map((f) => f.name)).toEqual(['page.html'])
    const [seen] = (await bob.caller.messages.list({ chatId: chat.id })).items
    const got = seen!.files![0]!
    expect(got).toMatchObject({ id: file.id, name: 'page.html', size: bytes.length })
    const res = await fetch(`${served.url}${got.url}`)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="page.html"; filename*=UTF-8''page.html`,
    )
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
    expect(res.headers.get('content-length')).toBe(String(bytes.length))
  })

  it('a non-member sees no message and no link; unsigned, forged and expired links get 403', async () => {
    const { ann, eve, chat } = await pair()
    const file = (await uploadFile(ann.accessToken, form(randomBytes(64), 'x.bin'))).body.file!
    await send(ann, chat.id, { fileIds: [file.id] })
    expect(await errorCode(eve.caller.messages.list({ chatId: chat.id }))).toBe('FORBIDDEN')
    expect((await fetch(`${served.url}/api/files/${file.id}`)).status).toBe(403)
    const forged = file.url.replace(/s=[\w-]+/, `s=${'A'.repeat(22)}`)
    expect((await fetch(`${served.url}${forged}`)).status).toBe(403)
    const expired = signFilePath(served.t.config.jwtSecret, file.id, 1_000)
    expect((await fetch(`${served.url}${expired}`)).status).toBe(403)
    expect((await fetch(`${served.url}/api/files/not-an-id`)).status).toBe(404)
  })

  it("only one's own uploads can be sent; unknown ids are a bad request", async () => {
    const { ann, bob, chat } = await pair()
    const file = (await uploadFile(ann.accessToken, form(randomBytes(64), 'x.bin'))).body.file!
    expect(await errorCode(send(bob, chat.id, { fileIds: [file.id] }))).toBe('FORBIDDEN')
    expect(await errorCode(send(ann, chat.id, { fileIds: [randomUUID()] }))).toBe('BAD_REQUEST')
    expect(
      await errorCode(
        send(ann, chat.id, { fileIds: Array.from({ length: 11 }, () => randomUUID()) }),
      ),
    ).toBe('BAD_REQUEST')
  })

  it('deleting the last message holding a file or an image removes its row and its files', async () => {
    const { ann, chat } = await pair()
    const file = (await uploadFile(ann.accessToken, form(randomBytes(64), 'x.bin'))).body.file!
    const image = await uploadImage(ann.accessToken)
    const first = await send(ann, chat.id, { fileIds: [file.id], imageIds: [image.id] })
    const second = await send(ann, chat.id, { imageIds: [image.id] })
    await ann.caller.messages.delete({ messageId: first.id })
    // The file was in that message only; the image is still in the second.
    expect(await fileRow(file.id)).toBeUndefined()
    expect(onDisk('files').some((p) => p.endsWith(file.id))).toBe(false)
    expect(await imageRow(image.id)).toBeDefined()
    expect(onDisk('images').some((p) => p.includes(image.id))).toBe(true)
    await ann.caller.messages.delete({ messageId: second.id })
    expect(await imageRow(image.id)).toBeUndefined()
    expect(onDisk('images').some((p) => p.includes(image.id))).toBe(false)
    const [tomb] = (await ann.caller.messages.list({ chatId: chat.id, limit: 1 })).items
    expect(tomb).toMatchObject({ deleted: true, images: [], files: [] })
  })

  it('a forward holds the file too: it outlives the original and goes with the forward', async () => {
    const { ann, bob, chat } = await pair()
    const file = (await uploadFile(ann.accessToken, form(randomBytes(64), 'x.bin'))).body.file!
    const original = await send(ann, chat.id, { fileIds: [file.id] })
    const group = await bob.caller.chats.createGroup({ title: 'Fwd', memberIds: [] })
    const forward = await bob.caller.messages.forward({
      messageId: original.id,
      chatId: group.id,
      clientId: randomUUID(),
    })
    expect(forward.files?.map((f) => f.id)).toEqual([file.id])
    await ann.caller.messages.delete({ messageId: original.id })
    expect(await fileRow(file.id)).toBeDefined()
    const [kept] = (await bob.caller.messages.list({ chatId: group.id, limit: 1 })).items
    expect((await fetch(`${served.url}${kept!.files![0]!.url}`)).status).toBe(200)
    await bob.caller.messages.delete({ messageId: forward.id })
    expect(await fileRow(file.id)).toBeUndefined()
  })
})

describe('the sweep', () => {
  const age = (table: 'images' | 'files', id: string, hours: number) =>
    served.t.db
      .updateTable(table)
      .set({ created_at: new Date(Date.now() - hours * 3600_000) })
      .where('id', '=', id)
      .execute()
  const backdate = (path: string, hours: number) => {
    const t = new Date(Date.now() - hours * 3600_000)
    utimesSync(path, t, t)
  }

  it('removes uploads no message holds after a day, and files without a row after an hour', async () => {
    const { ann, chat } = await pair()
    const deps = served.t.deps
    const abandoned = (await uploadFile(ann.accessToken, form(randomBytes(64), 'a.bin'))).body.file!
    const fresh = (await uploadFile(ann.accessToken, form(randomBytes(64), 'b.bin'))).body.file!
    const kept = (await uploadFile(ann.accessToken, form(randomBytes(64), 'c.bin'))).body.file!
    const oldImage = await uploadImage(ann.accessToken)
    await send(ann, chat.id, { fileIds: [kept.id] })
    await age('files', abandoned.id, 25)
    await age('files', kept.id, 25)
    await age('images', oldImage.id, 25)
    // A crash between the file and its row, a dead upload's temporary file, a stray image folder
    // and an avatar nobody shows any more.
    const strayId = randomUUID()
    const shard = join(served.t.config.dataDir, 'files', strayId.slice(-2))
    mkdirSync(shard, { recursive: true })
    writeFileSync(join(shard, strayId), 'orphan')
    writeFileSync(join(shard, `.${strayId}.abcdef.tmp`), 'partial')
    const youngStray = randomUUID()
    mkdirSync(join(served.t.config.dataDir, 'files', youngStray.slice(-2)), { recursive: true })
    writeFileSync(join(served.t.config.dataDir, 'files', youngStray.slice(-2), youngStray), 'new')
    backdate(join(shard, strayId), 2)
    backdate(join(shard, `.${strayId}.abcdef.tmp`), 2)
    const strayImage = randomUUID()
    await deps.images.write(strayImage, 'full', Buffer.from('x'))
    backdate(join(served.t.config.dataDir, 'images', strayImage.slice(-2), strayImage), 2)
    const strayAvatar = randomUUID()
    await deps.avatars.write(strayAvatar, '64', Buffer.from('x'))
    backdate(join(served.t.config.dataDir, 'avatars', strayAvatar.slice(-2), strayAvatar), 2)

    // Two instances at once: SKIP LOCKED splits the rows, nothing is removed twice or kept.
    const [r1, r2] = await Promise.all([sweepOnce(deps), sweepOnce(deps)])
    expect(r1.files + r2.files).toBe(1)
    expect(r1.images + r2.images).toBe(1)
    expect(await fileRow(abandoned.id)).toBeUndefined()
    expect(await imageRow(oldImage.id)).toBeUndefined()
    expect(await fileRow(fresh.id)).toBeDefined()
    expect(await fileRow(kept.id)).toBeDefined()
    const files = onDisk('files')
    expect(files.some((p) => p.endsWith(abandoned.id))).toBe(false)
    expect(files.some((p) => p.endsWith(fresh.id))).toBe(true)
    expect(files.some((p) => p.endsWith(kept.id))).toBe(true)
    expect(files.some((p) => p.includes(strayId))).toBe(false)
    expect(files.some((p) => p.endsWith(youngStray))).toBe(true)
    expect(onDisk('images').some((p) => p.includes(strayImage) || p.includes(oldImage.id))).toBe(
      false,
    )
    expect(onDisk('avatars').some((p) => p.includes(strayAvatar))).toBe(false)
    // The kept file still downloads.
    const [m] = (await ann.caller.messages.list({ chatId: chat.id, limit: 1 })).items
    expect((await fetch(`${served.url}${m!.files![0]!.url}`)).status).toBe(200)
  })
})
