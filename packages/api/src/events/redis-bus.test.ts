import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, post, sha256, type TestApp, type TrpcBody } from '../testing'
import { twoInstances } from '../testing-load'
import { collectEvents } from '../testing-sse'

// Two server instances on one MariaDB database and the local Redis, as behind nginx in production.
let app: Awaited<ReturnType<typeof twoInstances>>
let t: TestApp
let one: { url: string }
let two: { url: string }
beforeAll(async () => {
  // An hour between safety rechecks: sessions here can end only by event.
  app = await twoInstances({
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    STREAM_SESSION_CHECK_SECONDS: '3600',
  })
  ;({ t, one, two } = app)
})
afterAll(() => app.close())

it('delivers live to a subscriber on one instance a message sent through the other', async () => {
  const ann = await t.signUp()
  const bob = await t.signUp()
  const chat = await ann.caller.chats.createDirect({ userId: bob.user.id })
  const onOne = collectEvents(one.url, bob.accessToken)
  await onOne.ready
  // Ann talks to instance two over HTTP.
  const res = await fetch(`${two.url}/trpc/messages.send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ann.accessToken}` },
    body: JSON.stringify({ chatId: chat.id, clientId: randomUUID(), text: 'across instances' }),
  })
  expect(res.status).toBe(200)
  const [e] = await onOne.next(1)
  expect(e?.event).toMatchObject({ type: 'message.created', message: { text: 'across instances' } })
  onOne.close()
})

it('resumes on another instance from the lastEventId the first one gave', async () => {
  const ann = await t.signUp()
  const bob = await t.signUp()
  const chat = await ann.caller.chats.createDirect({ userId: bob.user.id })
  const onOne = collectEvents(one.url, bob.accessToken)
  await onOne.ready
  await ann.caller.messages.send({ chatId: chat.id, clientId: randomUUID(), text: 'first' })
  const [seen] = await onOne.next(1)
  onOne.close()
  await ann.caller.messages.send({ chatId: chat.id, clientId: randomUUID(), text: 'second' })
  const onTwo = collectEvents(two.url, bob.accessToken, { lastEventId: seen!.id })
  expect((await onTwo.next(1))[0]?.event).toMatchObject({ message: { text: 'second' } })
  onTwo.close()
})

const sessionIdOf = (accessToken: string) =>
  (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string })
    .sid

const meStatus = async (url: string, token: string) =>
  (await fetch(`${url}/trpc/users.me`, { headers: bearer(token) })).status

describe('a session ended on one instance', () => {
  it('is refused on the next request to the other, and ends its streams there', async () => {
    const bob = await t.signUp()
    // Instance two has the session cached and a stream open on it.
    expect(await meStatus(two.url, bob.accessToken)).toBe(200)
    const onTwo = collectEvents(two.url, bob.accessToken)
    await onTwo.ready
    const res = await fetch(`${one.url}/trpc/auth.logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(bob.accessToken) },
    })
    expect(res.status).toBe(200)
    // The end crosses Redis without the mutation waiting on it: milliseconds, not a request.
    await expect.poll(() => meStatus(two.url, bob.accessToken), { timeout: 2000 }).toBe(401)
    await expect.poll(() => onTwo.errors.length, { timeout: 5000 }).toBe(1)
    expect(onTwo.errors[0]).toMatchObject({ data: { code: 'UNAUTHORIZED' } })
    onTwo.close()
  })

  it('by revoking it from another session, or by reusing its refresh token, ends it everywhere', async () => {
    const ann = await t.signUp()
    const second = (await post(t.app, 'auth.login', {
      login: ann.login,
      passwordHash: sha256(ann.password),
    })) as { body: TrpcBody }
    const other = second.body.result!.data as { accessToken: string; refreshToken: string }
    expect(await meStatus(two.url, ann.accessToken)).toBe(200)
    expect(await meStatus(two.url, other.accessToken)).toBe(200)
    const streamA = collectEvents(two.url, ann.accessToken)
    const streamB = collectEvents(two.url, other.accessToken)
    await Promise.all([streamA.ready, streamB.ready])

    await ann.caller.auth.revokeSession({ sessionId: sessionIdOf(other.accessToken) })
    // The end crosses Redis without the mutation waiting on it: milliseconds, not a request.
    await expect.poll(() => meStatus(two.url, other.accessToken), { timeout: 2000 }).toBe(401)
    await expect.poll(() => streamB.errors.length, { timeout: 5000 }).toBe(1)

    // Ann's own session: refresh once, then present the spent token again.
    const refresh = (token: string) => post(t.app, 'auth.refresh', { refreshToken: token })
    expect((await refresh(ann.refreshToken)).status).toBe(200)
    expect((await refresh(ann.refreshToken)).status).toBe(401)
    // The end crosses Redis without the mutation waiting on it: milliseconds, not a request.
    await expect.poll(() => meStatus(two.url, ann.accessToken), { timeout: 2000 }).toBe(401)
    await expect.poll(() => streamA.errors.length, { timeout: 5000 }).toBe(1)
    streamA.close()
    streamB.close()
  })

  it('a profile change on one instance names the sender rightly on the other', async () => {
    const ann = await t.signUp()
    const bob = await t.signUp()
    const chat = await ann.caller.chats.createDirect({ userId: bob.user.id })
    const send = async (text: string) => {
      const res = await fetch(`${two.url}/trpc/messages.send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(ann.accessToken) },
        body: JSON.stringify({ chatId: chat.id, clientId: randomUUID(), text }),
      })
      return ((await res.json()) as { result: { data: { sender: { firstName: string } } } }).result
        .data
    }
    expect((await send('before')).sender.firstName).toBe(ann.user.firstName)
    const res = await fetch(`${one.url}/trpc/users.updateProfile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(ann.accessToken) },
      body: JSON.stringify({ firstName: 'Renamed' }),
    })
    expect(res.status).toBe(200)
    expect((await send('after')).sender.firstName).toBe('Renamed')
  })
})
