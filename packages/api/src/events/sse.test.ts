import type { ChatEvent, Message } from '@messenger/shared'
import { describe, expect, it } from 'vitest'
import { eventFrame } from './sse'

const message = (text: string) =>
  ({
    id: '0190aaaa-0000-7000-8000-000000000001',
    chatId: '0190aaaa-0000-7000-8000-000000000002',
    senderId: '0190aaaa-0000-7000-8000-000000000003',
    clientId: '0190aaaa-0000-7000-8000-000000000004',
    text,
  }) as unknown as Message

describe('eventFrame', () => {
  it('builds a message event’s frame once for every member it reaches', () => {
    const m = message('привет')
    const a = eventFrame('7', { type: 'message.created', message: m })
    const b = eventFrame('7', { type: 'message.created', message: m })
    expect(b).toBe(a)
    expect(a.toString()).toBe(
      `id: 7\ndata: ${JSON.stringify({ type: 'message.created', message: m })}\n\n`,
    )
    // Another event about the same object is another frame.
    expect(eventFrame('8', { type: 'message.updated', message: m })).not.toBe(a)
  })

  it('builds an event that is one object for every member once too', () => {
    const e: ChatEvent = { type: 'chat.removed', chatId: 'c' }
    const frame = eventFrame('9', e)
    expect(frame.toString()).toBe(`id: 9\ndata: {"type":"chat.removed","chatId":"c"}\n\n`)
    expect(eventFrame('9', e)).toBe(frame)
    expect(eventFrame('9', { type: 'chat.removed', chatId: 'c' })).not.toBe(frame)
  })
})
