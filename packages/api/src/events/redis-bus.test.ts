import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createApp } from '../app'
import { createDeps, type Deps } from '../deps'
import { createTestApp, type TestApp } from '../testing'
import { collectEvents, listen } from '../testing-sse'

// Two server instances on one MariaDB database and the local Redis, as behind nginx in production.
let t: TestApp
let second: Deps
let one: Awaited<ReturnType<typeof listen>>
let two: Awaited<ReturnType<typeof listen>>
beforeAll(async () => {
  t = await createTestApp({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' })
  second = await createDeps(t.config, { db: t.db })
  one = await listen(t.app)
  two = await listen(createApp(second))
})
afterAll(async () => {
  await one.close()
  await two.close()
  await second.bus.close()
  await t.close()
})

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
