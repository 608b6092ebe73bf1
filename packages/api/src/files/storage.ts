import { createReadStream, type ReadStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises'
import { join, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { tempFileOwner, writeTempFile } from '@messenger/images'

const ID_RE = /^[A-Za-z0-9_-]{8,64}$/

const check = (id: string) => {
  // Ids are made by the server; this guard keeps a bad caller from reaching outside root.
  if (!ID_RE.test(id)) throw new RangeError(`Invalid file id: ${JSON.stringify(id)}`)
}

/** A file's bytes under `root/<last 2 chars of id>/<id>`: the shard keeps directories small. */
export interface FileStorage {
  /** A temporary file beside where `id` goes; `commit` renames it into place. */
  receive(
    id: string,
    source: Readable,
  ): Promise<{ bytes: number; commit(): Promise<void>; discard(): Promise<void> }>
  /** A stream of the bytes and their length, or null when there is no such file. */
  open(id: string): Promise<{ stream: ReadStream; size: number } | null>
  remove(id: string): Promise<void>
  /** Removes a path that list() answered (a stray file or a dead upload's temporary file). */
  discard(path: string): Promise<void>
  /** Every stored id with its modification time, shard by shard (temporary files included). */
  list(): AsyncGenerator<{ id: string; path: string; modifiedAt: Date; temporary: boolean }>
}

/**
 * Files on disk. A write streams to a temporary file in the target directory (never the whole file
 * in memory), is fsynced, then renamed into place: readers see the whole file or none.
 */
export const createFsFileStorage = (root: string): FileStorage => {
  const dirOf = (id: string) => join(root, id.slice(-2))
  const fileOf = (id: string) => join(dirOf(id), id)
  return {
    async receive(id, source) {
      check(id)
      await mkdir(dirOf(id), { recursive: true })
      const { path: tmp, bytes } = await writeTempFile(
        dirOf(id),
        id,
        source as AsyncIterable<Buffer>,
      )
      return {
        bytes,
        commit: () => rename(tmp, fileOf(id)),
        discard: () => unlink(tmp).catch(() => undefined),
      }
    },
    async open(id) {
      check(id)
      try {
        const s = await stat(fileOf(id))
        return { stream: createReadStream(fileOf(id)), size: s.size }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
        throw e
      }
    },
    async remove(id) {
      check(id)
      await rm(fileOf(id), { force: true })
    },
    async discard(path) {
      if (!path.startsWith(root + sep)) throw new RangeError(`Not under ${root}: ${path}`)
      await rm(path, { force: true })
    },
    async *list() {
      let shards: string[]
      try {
        shards = await readdir(root)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
        throw e
      }
      for (const shard of shards) {
        const names = await readdir(join(root, shard)).catch(() => [] as string[])
        for (const name of names) {
          const path = join(root, shard, name)
          const s = await stat(path).catch(() => null)
          if (!s?.isFile()) continue
          const owner = tempFileOwner(name)
          const id = owner ?? name
          if (ID_RE.test(id)) yield { id, path, modifiedAt: s.mtime, temporary: owner !== null }
        }
      }
    },
  }
}
