import { sql } from 'kysely'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { bearer, createTestApp, get, type TestApp } from '../testing'
import { collectEvents, listen } from '../testing-sse'

// Sessions are cached for, and streams rechecked every, half a second here (a minute by default).
let t: TestApp
let server: Awaited<ReturnType<typeof listen>>
beforeAll(async () => {
  t = await createTestApp({ STREAM_SESSION_CHECK_SECONDS: '0.5' })
  server = await listen(t.app)
})
afterAll(async () => {
  await server.close()
  await t.close()
})

const meStatus = async (token: string) =>
  (await get(t.app, 'users.me', undefined, bearer(token))).status

it('a session ended behind the server’s back (no announcement) is refused and its streams end by the safety recheck', async () => {
  const users = await Promise.all([t.signUp(), t.signUp(), t.signUp()])
  const streams = users.map((u) => collectEvents(server.url, u.accessToken))
  await Promise.all(streams.map((s) => s.ready))
  for (const u of users) expect(await meStatus(u.accessToken)).toBe(200)
  // As an operator would, straight in the database: no instance hears of it.
  const ended = users.slice(0, 2).map((u) => u.authUser.sessionId)
  await sql`UPDATE sessions SET revoked_at = NOW() WHERE id IN (${sql.join(ended)})`.execute(t.db)
  await expect.poll(() => streams[0]!.errors.length + streams[1]!.errors.length).toBe(2)
  expect(streams[0]!.errors[0]).toMatchObject({ data: { code: 'UNAUTHORIZED' } })
  await expect.poll(() => meStatus(users[0].accessToken)).toBe(401)
  // The third session is still active: its stream and requests go on.
  expect(streams[2]!.errors).toEqual([])
  expect(await meStatus(users[2].accessToken)).toBe(200)
  for (const s of streams) s.close()
})
