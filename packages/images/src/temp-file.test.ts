import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { tempFileOwner, writeTempFile } from './temp-file'

const dir = mkdtempSync(join(tmpdir(), 'temp-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('writeTempFile', () => {
  it('writes a buffer or a stream to a hidden temporary file whose owner can be read back', async () => {
    const a = await writeTempFile(dir, 'full', Buffer.from('abc'))
    const b = await writeTempFile(
      dir,
      'abcdefgh12',
      Readable.from([Buffer.from('de'), Buffer.from('f')]),
    )
    expect([a.bytes, b.bytes]).toEqual([3, 3])
    expect(readFileSync(b.path, 'utf8')).toBe('def')
    const names = readdirSync(dir).sort()
    expect(names.map(tempFileOwner).sort()).toEqual(['abcdefgh12', 'full'])
    expect(tempFileOwner('abcdefgh12')).toBeNull()
    rmSync(a.path)
    rmSync(b.path)
  })

  it('removes the temporary file when the source fails', async () => {
    const broken = new Readable({
      read() {
        this.push(Buffer.from('partial'))
        setImmediate(() => this.destroy(new Error('client went away')))
      },
    })
    await expect(writeTempFile(dir, 'x', broken)).rejects.toThrow('client went away')
    expect(readdirSync(dir)).toEqual([])
  })
})
