import { randomUUID } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { inspectImage, orientedJpeg, photoJpeg } from '@messenger/images/testing'
import { latestEventId } from '@messenger/db'
import { avatar as avatarSchema, type Avatar } from '@messenger/shared'
import { describe, expect, it, vi } from 'vitest'
import { replayEvents } from '../events/service'
import { bearer, errorCode, type TestApp } from '../testing'
import { serveTestApp } from '../testing-sse'

vi.setConfig({ testTimeout: 30_000 })

const served = serveTestApp()
type Member = Awaited<ReturnType<TestApp['signUp']>>

const upload = async (
  who: Member | null,
  bytes: Buffer,
  fields: Record<string, string | number>,
) => {
  const f = new FormData()
  for (const [k, v] of Object.entries(fields)) f.append(k, String(v))
  f.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'me.jpg')
  const res = await fetch(`${served.url}/api/avatars`, {
    method: 'POST',
    headers: who ? bearer(who.accessToken) : {},
    body: f,
  })
  return {
    status: res.status,
    body: (await res.json()) as { avatar?: Avatar; error?: { code: string; message: string } },
  }
}

const avatarDirs = () => {
  const root = join(served.t.config.dataDir, 'avatars')
  return existsSync(root)
    ? readdirSync(root, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .flatMap((d) => readdirSync(join(root, d.name)))
    : []
}

const people = async () => {
  const ann = await served.t.signUp({ firstName: 'Ann' })
  const bob = await served.t.signUp({ firstName: 'Bob' })
  const eve = await served.t.signUp({ firstName: 'Eve' })
  const chat = await ann.caller.chats.createDirect({ userId: bob.user.id })
  return { ann, bob, eve, chat }
}

describe('profile photos', () => {
  it('crops the chosen square into 64, 256 and 512 and shows it to people who share a chat', async () => {
    const { ann, bob, eve, chat } = await people()
    const head = (await latestEventId(served.t.db)) ?? '0'
    const res = await upload(ann, await photoJpeg(1200, 900), { left: 300, top: 100, size: 700 })
    expect(res.status).toBe(201)
    const avatar = avatarSchema.parse(res.body.avatar)
    expect(avatar.sizes.map((s) => s.size)).toEqual([64, 256, 512])
    for (const s of avatar.sizes) {
      const file = await fetch(`${served.url}${s.url}`)
      expect(file.status).toBe(200)
      expect(file.headers.get('x-content-type-options')).toBe('nosniff')
      const m = await inspectImage(Buffer.from(await file.arrayBuffer()))
      expect([m.format, m.width, m.height, m.exif]).toEqual(['webp', s.size, s.size, undefined])
    }
    expect((await ann.caller.users.me()).avatar?.id).toBe(avatar.id)
    // Bob shares a chat: he sees it on the chat's members and on Ann's messages.
    const seen = await bob.caller.chats.get({ chatId: chat.id })
    expect(seen.members.find((m) => m.id === ann.user.id)?.avatar?.id).toBe(avatar.id)
    const sent = await ann.caller.messages.send({
      chatId: chat.id,
      clientId: randomUUID(),
      text: 'hi',
    })
    expect(sent.sender.avatar?.id).toBe(avatar.id)
    expect((await bob.caller.users.search({ query: ann.login })).items[0]?.avatar?.id).toBe(
      avatar.id,
    )
    // Eve shares none: search shows her Ann without a photo, and she cannot see the chat.
    const [found] = (await eve.caller.users.search({ query: ann.login })).items
    expect(found?.id).toBe(ann.user.id)
    expect(found?.avatar).toBeUndefined()
    expect(await errorCode(eve.caller.chats.get({ chatId: chat.id }))).toBe('FORBIDDEN')
    // Live: Bob's stream gets chat.updated for the chat they share, with the new photo.
    const replayed = await replayEvents(served.t.deps, bob.user.id, head)
    const update = replayed.events.find((e) => e.event.type === 'chat.updated')?.event
    expect(update?.type === 'chat.updated' && update.chat.id).toBe(chat.id)
    expect(
      update?.type === 'chat.updated' &&
        update.chat.members.find((m) => m.id === ann.user.id)?.avatar?.id,
    ).toBe(avatar.id)
  })

  it('links are signed: unsigned, forged or unknown sizes are refused', async () => {
    const { ann } = await people()
    const { avatar } = (await upload(ann, await orientedJpeg(1), { left: 0, top: 0, size: 200 }))
      .body
    const url = avatar!.sizes[0]!.url
    expect((await fetch(`${served.url}${url.split('?')[0]!}`)).status).toBe(403)
    expect(
      (await fetch(`${served.url}${url.replace(/s=[\w-]+/, `s=${'B'.repeat(22)}`)}`)).status,
    ).toBe(403)
    expect((await fetch(`${served.url}${url.replace('/64.webp', '/65.webp')}`)).status).toBe(404)
  })

  it('refuses a crop outside the picture, a missing crop and a non-image, storing nothing', async () => {
    const { ann } = await people()
    const before = avatarDirs().length
    const photo = await orientedJpeg(1) // 300×200
    const outside = await upload(ann, photo, { left: 150, top: 0, size: 200 })
    expect(outside.status).toBe(400)
    expect(outside.body.error?.message).toMatch(/300×200/)
    expect((await upload(ann, photo, { left: 0, top: 0 })).status).toBe(400)
    expect((await upload(ann, photo, { left: 0, top: 0, size: -5 })).status).toBe(400)
    expect(
      (await upload(ann, Buffer.from('not an image'), { left: 0, top: 0, size: 1 })).status,
    ).toBe(400)
    expect((await upload(null, photo, { left: 0, top: 0, size: 10 })).status).toBe(401)
    expect(avatarDirs().length).toBe(before)
    expect((await ann.caller.users.me()).avatar).toBeUndefined()
  })

  it('a new photo replaces the old one on disk; removing it goes back to initials', async () => {
    const { ann } = await people()
    const photo = await orientedJpeg(1)
    const first = (await upload(ann, photo, { left: 0, top: 0, size: 100 })).body.avatar!
    const second = (await upload(ann, photo, { left: 100, top: 0, size: 100 })).body.avatar!
    const dirs = avatarDirs()
    expect(dirs).toContain(second.id)
    expect(dirs).not.toContain(first.id)
    expect((await ann.caller.users.removeAvatar()).avatar).toBeUndefined()
    expect(avatarDirs()).not.toContain(second.id)
  })
})

describe('group photos', () => {
  it('only the owner sets or removes it; members see it; others are refused', async () => {
    const { ann, bob, eve, chat: direct } = await people()
    const group = await ann.caller.chats.createGroup({ title: 'Team', memberIds: [bob.user.id] })
    const photo = await orientedJpeg(1)
    const crop = { left: 0, top: 0, size: 200 }
    const set = await upload(ann, photo, { ...crop, chatId: group.id })
    expect(set.status).toBe(201)
    expect((await bob.caller.chats.get({ chatId: group.id })).avatar?.id).toBe(set.body.avatar!.id)
    expect((await upload(bob, photo, { ...crop, chatId: group.id })).status).toBe(403)
    expect((await upload(eve, photo, { ...crop, chatId: group.id })).status).toBe(403)
    expect((await upload(ann, photo, { ...crop, chatId: randomUUID() })).status).toBe(404)
    expect((await upload(ann, photo, { ...crop, chatId: direct.id })).status).toBe(403)
    expect(await errorCode(bob.caller.chats.removeAvatar({ chatId: group.id }))).toBe('FORBIDDEN')
    expect(await errorCode(eve.caller.chats.removeAvatar({ chatId: group.id }))).toBe('FORBIDDEN')
    expect(await errorCode(ann.caller.chats.removeAvatar({ chatId: randomUUID() }))).toBe(
      'NOT_FOUND',
    )
    expect((await ann.caller.chats.removeAvatar({ chatId: group.id })).avatar).toBeUndefined()
    expect(avatarDirs()).not.toContain(set.body.avatar!.id)
    expect((await bob.caller.chats.get({ chatId: group.id })).avatar).toBeUndefined()
  })
})
