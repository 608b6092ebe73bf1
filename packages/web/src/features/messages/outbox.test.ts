import type { Message } from '@messenger/shared'
import { describe, expect, it } from 'vitest'
import { chat, message, user } from '../../test/factories'
import { Outbox, visiblePending, type OutgoingInput } from './outbox'

const ann = user('Ann')
const bob = user('Bob')
const chatId = chat('Bob', [ann, bob]).id

/** Stores messages like messages.send: a repeated clientId returns the stored message. */
const fakeServer = () => {
  const stored = new Map<string, Message>()
  const calls: OutgoingInput[] = []
  let failNext = 0
  return {
    calls,
    stored,
    failTimes: (n: number) => (failNext = n),
    send: async (input: OutgoingInput) => {
      calls.push(input)
      await Promise.resolve()
      if (failNext > 0) {
        failNext--
        throw new TypeError('Failed to fetch')
      }
      const existing = stored.get(input.clientId)
      if (existing) return existing
      const m = message(input.chatId, ann, input.text ?? '', new Date().toISOString(), {
        clientId: input.clientId,
      })
      stored.set(input.clientId, m)
      return m
    },
  }
}

describe('Outbox (optimistic send)', () => {
  it('shows the message at once, then swaps in the server copy', async () => {
    const server = fakeServer()
    const history: Message[] = []
    const outbox = new Outbox({ send: server.send, onSent: (m) => history.push(m) })
    const sending = outbox.send(ann, chatId, { text: 'hello' })
    expect(outbox.getSnapshot()).toHaveLength(1)
    expect(outbox.getSnapshot()[0]).toMatchObject({ status: 'sending', preview: { text: 'hello' } })
    const sent = await sending
    expect(sent?.text).toBe('hello')
    expect(outbox.getSnapshot()).toHaveLength(0)
    expect(history).toHaveLength(1)
    expect(history[0]?.clientId).toBe(server.calls[0]?.clientId)
  })

  it('a failed send shows a retry that reuses the clientId, so nothing is stored twice', async () => {
    const server = fakeServer()
    const history: Message[] = []
    const outbox = new Outbox({ send: server.send, onSent: (m) => history.push(m) })
    server.failTimes(1)
    await outbox.send(ann, chatId, { text: 'flaky' })
    const [failed] = outbox.getSnapshot()
    expect(failed?.status).toBe('failed')
    await outbox.retry(failed!.input.clientId)
    // The request reached the server but the answer was lost: retrying twice must not duplicate.
    await outbox.retry(failed!.input.clientId)
    expect(server.calls.map((c) => c.clientId)).toEqual([
      failed!.input.clientId,
      failed!.input.clientId,
    ])
    expect(server.stored.size).toBe(1)
    expect(outbox.getSnapshot()).toHaveLength(0)
    expect(history).toHaveLength(1)
  })

  it('sends image ids and only the parts that are there', async () => {
    const server = fakeServer()
    const outbox = new Outbox({ send: server.send, onSent: () => undefined })
    const image = {
      id: '00000000-0000-7000-8000-0000000000aa',
      width: 10,
      height: 10,
      placeholder: null,
      full: { url: '/x', width: 10, height: 10 },
      thumbnails: [],
    }
    await outbox.send(ann, chatId, { images: [image] })
    expect(server.calls[0]).toEqual({
      chatId,
      clientId: server.calls[0]?.clientId,
      imageIds: [image.id],
    })
  })

  it('hides a pending message once the history has it (the event won the race)', () => {
    const server = fakeServer()
    const outbox = new Outbox({ send: server.send, onSent: () => undefined })
    void outbox.send(ann, chatId, { text: 'race' })
    const pending = outbox.getSnapshot()
    const clientId = pending[0]!.input.clientId
    expect(visiblePending(pending, chatId, [])).toHaveLength(1)
    const arrived = message(chatId, ann, 'race', new Date().toISOString(), { clientId })
    expect(visiblePending(pending, chatId, [arrived])).toHaveLength(0)
    expect(visiblePending(pending, 'another-chat', [])).toHaveLength(0)
  })
})
