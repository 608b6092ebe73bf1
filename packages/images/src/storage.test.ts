import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createFsImageStorage } from './storage'

const root = mkdtempSync(join(tmpdir(), 'images-storage-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const listAll = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))

describe('createFsImageStorage', () => {
  const storage = createFsImageStorage(root)
  const id = '019ab3c4-0000-7000-8000-0000000000a1'

  it('writes atomically under server-made names and reads back', async () => {
    await storage.write(id, 'full', Buffer.from('full bytes'))
    await storage.write(id, '160', Buffer.from('thumb bytes'))
    expect((await storage.read(id, 'full'))?.toString()).toBe('full bytes')
    expect((await storage.read(id, '160'))?.toString()).toBe('thumb bytes')
    // No temporary files are left behind.
    expect(listAll(root).sort()).toEqual([`a1/${id}/160.webp`, `a1/${id}/full.webp`])
  })

  it('replaces a file whole', async () => {
    await storage.write(id, 'full', Buffer.from('second'))
    expect((await storage.read(id, 'full'))?.toString()).toBe('second')
  })

  it('answers null for a missing file', async () => {
    expect(await storage.read(id, '640')).toBeNull()
    expect(await storage.read('019ab3c4-0000-7000-8000-0000000000ff', 'full')).toBeNull()
  })

  it('removes every version of an image', async () => {
    await storage.remove(id)
    expect(await storage.read(id, 'full')).toBeNull()
    expect(listAll(root)).toEqual([])
  })

  it('refuses names that could leave the root', async () => {
    await expect(storage.write('../../etc', 'full', Buffer.from('x'))).rejects.toThrow(
      /Invalid image id/,
    )
    await expect(storage.read(id, '../full')).rejects.toThrow(/Invalid image version/)
    await expect(storage.remove('a/b/c/d/e/f')).rejects.toThrow(/Invalid image id/)
  })
})
