import { randomBytes } from 'node:crypto'
import { open, unlink } from 'node:fs/promises'
import { join } from 'node:path'

/** `.<name>.<random>.tmp`: hidden, never a stored name, and a sweep can tell whose it was. */
const tempFileName = (name: string) => `.${name}.${randomBytes(6).toString('hex')}.tmp`

/** The `name` a temporary file was written for, or null when `file` is not one. */
export const tempFileOwner = (file: string) =>
  file.startsWith('.') && file.endsWith('.tmp') ? file.slice(1).split('.')[0]! : null

/**
 * Writes `data` (a buffer, or a stream consumed one chunk at a time so that it waits for the disk)
 * to a new temporary file in `dir` and fsyncs it: renamed into place, readers see the whole file or
 * none. On any failure the temporary file is removed and the error rethrown.
 */
export const writeTempFile = async (
  dir: string,
  name: string,
  data: Buffer | AsyncIterable<Buffer>,
): Promise<{ path: string; bytes: number }> => {
  const path = join(dir, tempFileName(name))
  const fh = await open(path, 'wx', 0o640)
  let bytes = 0
  let closing = false
  try {
    if (Buffer.isBuffer(data)) {
      await fh.writeFile(data)
      bytes = data.length
    } else {
      for await (const chunk of data) {
        await fh.write(chunk)
        bytes += chunk.length
      }
    }
    await fh.sync()
    closing = true
    await fh.close()
  } catch (e) {
    if (!closing) await fh.close().catch(() => undefined)
    await unlink(path).catch(() => undefined)
    throw e
  }
  return { path, bytes }
}
