import type { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { parseMultipart, readUploadedForm, UploadError, type MultipartOptions } from './multipart'

const request = (body: NonNullable<RequestInit['body']>, headers: Record<string, string> = {}) =>
  new Request('http://localhost/upload', { method: 'POST', body, headers, duplex: 'half' })

const form = (bytes: number, field = 'file', filename = 'a.bin') => {
  const f = new FormData()
  f.append(field, new Blob([new Uint8Array(bytes).fill(7)]), filename)
  return request(f)
}

const count = async (s: Readable) => {
  let n = 0
  for await (const chunk of s as AsyncIterable<Buffer>) n += chunk.length
  return n
}

const files: MultipartOptions = {
  maxBytes: 100,
  noun: 'file',
  utf8Names: true,
}
const images: MultipartOptions = { maxBytes: 100, noun: 'image' }

const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(UploadError)
  return { kind: (e as UploadError).kind, message: (e as UploadError).message }
}

describe('parseMultipart', () => {
  it('allows a file of exactly maxBytes, images as files: the message says "at most"', async () => {
    expect((await parseMultipart(form(100), files, count)).stored).toBe(100)
    expect(await refusal(parseMultipart(form(101), files, count))).toEqual({
      kind: 'too_large',
      message: 'Expected a file of at most 100 bytes',
    })
    expect((await parseMultipart(form(100), images, count)).stored).toBe(100)
    expect((await refusal(parseMultipart(form(101), images, count))).kind).toBe('too_large')
  })

  it('names what is expected in its messages', async () => {
    expect((await refusal(parseMultipart(form(5, 'photo'), images, count))).message).toBe(
      'Unexpected file field "photo": send the image in the field `file`',
    )
    expect((await refusal(parseMultipart(form(5, 'photo'), files, count))).message).toBe(
      'Unexpected file field "photo": send the file in the field `file`',
    )
    expect((await refusal(parseMultipart(request(new FormData()), files, count))).message).toBe(
      'Expected a field `file` with the file',
    )
    expect((await refusal(parseMultipart(request(new FormData()), images, count))).message).toBe(
      'Expected a field `file` with the image',
    )
    const noBody = new Request('http://localhost/upload', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    })
    expect((await refusal(parseMultipart(noBody, images, count))).message).toBe(
      'The request has no body: send the image in `file`',
    )
    expect((await refusal(parseMultipart(request('{}'), files, count))).message).toBe(
      'Expected a multipart/form-data body with one field `file`',
    )
  })

  it('decodes UTF-8 file names when asked', async () => {
    const { info } = await parseMultipart(form(1, 'file', 'отчёт.pdf'), files, count)
    expect(info.filename).toBe('отчёт.pdf')
  })

  it('hands back the text fields with a buffered file', async () => {
    const f = new FormData()
    f.append('x', '12')
    f.append('file', new Blob([new Uint8Array([1, 2, 3])]), 'a.png')
    const { file, fields } = await readUploadedForm(request(f), 100)
    expect([...file]).toEqual([1, 2, 3])
    expect(fields).toEqual({ x: '12' })
  })

  it('rethrows a failure of store as it is, not as a bad request', async () => {
    const disk = new Error('disk full')
    const e = await parseMultipart(form(10), files, (s) => {
      s.resume()
      return Promise.reject(disk)
    }).catch((err: unknown) => err)
    expect(e).toBe(disk)
  })

  it('reports a body cut off mid-file as an interrupted upload', async () => {
    const boundary = 'b0undary'
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\n`
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(head + 'abc'))
        c.error(new Error('client went away'))
      },
    })
    const res = await refusal(
      parseMultipart(
        request(body, { 'content-type': `multipart/form-data; boundary=${boundary}` }),
        images,
        count,
      ),
    )
    expect(res).toEqual({ kind: 'bad_request', message: 'Upload interrupted: client went away' })
  })
})
