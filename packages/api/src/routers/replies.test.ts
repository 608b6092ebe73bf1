import { randomUUID } from 'node:crypto'
import { uprightCard } from '@messenger/images/testing'
import { describe, expect, it } from 'vitest'
import { uploadImage } from '../images/service'
import { errorCode } from '../testing'
import { signUps } from '../testing-load'
import { collectEvents, say, serveTestApp } from '../testing-sse'

const served = serveTestApp()

describe('replies', () => {
  it('quote the answered message — sender, start of text, first image — everywhere it is shown', async () => {
    const [ann, bob] = await signUps(served.t, 2)
    const chat = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const photo = await uploadImage(
      served.t.deps,
      ann!.user.id,
      await uprightCard().png().toBuffer(),
    )
    const long = `Plan: ${'x'.repeat(400)}`
    const original = await ann!.caller.messages.send({
      chatId: chat.id,
      clientId: randomUUID(),
      text: long,
      imageIds: [photo.id],
    })
    const live = collectEvents(served.url, ann!.accessToken)
    await live.ready

    const reply = await say(bob!, chat.id, 'Agreed', { replyToId: original.id })
    const quote = {
      id: original.id,
      sender: original.sender,
      text: long.slice(0, 200),
      image: expect.objectContaining({ id: photo.id }) as unknown,
      deleted: false,
    }
    expect(reply.replyTo).toEqual(quote)
    const [event] = await live.next(1)
    expect(event?.event).toMatchObject({ type: 'message.created', message: { replyTo: quote } })
    const page = await ann!.caller.messages.list({ chatId: chat.id })
    expect(page.items.find((m) => m.id === reply.id)?.replyTo).toEqual(quote)
    expect(page.items.find((m) => m.id === original.id)?.replyTo).toBeNull()
    live.close()

    // Deleted later: the reply stays, its quote says so and shows nothing of it.
    await ann!.caller.messages.delete({ messageId: original.id })
    const after = await bob!.caller.messages.list({ chatId: chat.id })
    expect(after.items.find((m) => m.id === reply.id)?.replyTo).toEqual({
      id: original.id,
      sender: original.sender,
      text: null,
      image: null,
      deleted: true,
    })
  })

  it('answers only a live message of the same chat', async () => {
    const [ann, bob, cid] = await signUps(served.t, 3)
    const chat = await ann!.caller.chats.createDirect({ userId: bob!.user.id })
    const other = await cid!.caller.chats.createDirect({ userId: ann!.user.id })
    const elsewhere = await say(cid!, other.id, 'in another chat')
    expect(await errorCode(say(bob!, chat.id, 'hi', { replyToId: elsewhere.id }))).toBe(
      'BAD_REQUEST',
    )
    expect(await errorCode(say(bob!, chat.id, 'hi', { replyToId: randomUUID() }))).toBe(
      'BAD_REQUEST',
    )
    const gone = await say(ann!, chat.id, 'soon gone')
    await ann!.caller.messages.delete({ messageId: gone.id })
    expect(await errorCode(say(bob!, chat.id, 'hi', { replyToId: gone.id }))).toBe('BAD_REQUEST')
    // Nothing was stored by the refused sends.
    const page = await bob!.caller.messages.list({ chatId: chat.id })
    expect(page.items.map((m) => m.text)).toEqual([null])
  })
})
