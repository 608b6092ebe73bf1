import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createConnection } from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPrivateMariadb, type PrivateMariadb } from './private-mariadb'

const query = async (url: string, text: string) => {
  const c = await createConnection(url)
  try {
    const [rows] = await c.query(text)
    return rows
  } finally {
    await c.end()
  }
}

let dataDir: string
let server: PrivateMariadb | undefined
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'private-mariadb-'))
})
afterAll(async () => {
  await server?.stop()
  await rm(dataDir, { recursive: true, force: true })
})

describe('startPrivateMariadb', () => {
  it('initialises an empty folder, survives kill -9 and a clean stop, and keeps its data', async () => {
    server = await startPrivateMariadb({ dataDir })
    const { port, url } = server
    expect(url).toBe(`mysql://root@127.0.0.1:${port}`)
    await query(url, 'CREATE DATABASE app')
    await query(`${url}/app`, 'CREATE TABLE t (n INT) ENGINE=InnoDB')
    await query(`${url}/app`, 'INSERT INTO t VALUES (1)')

    await server.kill()
    await expect(query(url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/)

    server = await startPrivateMariadb({ dataDir, port })
    await query(`${url}/app`, 'INSERT INTO t VALUES (2)')
    await server.stop()
    await expect(query(url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/)

    server = await startPrivateMariadb({ dataDir, port })
    expect(await query(`${url}/app`, 'SELECT n FROM t ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }])
    await server.stop()
    server = undefined
  })
})
