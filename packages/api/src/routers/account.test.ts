import { randomUUID } from 'node:crypto'
import { uprightCard } from '@messenger/images/testing'
import { isTotpChallenge, type AuthResult, type LoginAnswer } from '@messenger/shared'
import { sql } from 'kysely'
import { Secret, TOTP } from 'otpauth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createContextInner, type AuthUser } from '../context'
import { uploadImage } from '../images/service'
import { appRouter } from '../root'
import { bearer, createTestApp, errorCode, get, post, sha256, type TestApp } from '../testing'
import { createCallerFactory } from '../trpc'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const createCaller = createCallerFactory(appRouter)
let addresses = 0
/** A caller from an address of its own, so one test's failures do not throttle another's. */
const from = (user: AuthUser | null, clientIp = `10.9.0.${++addresses}`) =>
  createCaller(createContextInner(t.deps, user, { clientIp }))

const codeAt = (secret: string, offsetSteps = 0) =>
  new TOTP({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  }).generate({ timestamp: Date.now() + offsetSteps * 30_000 })

const tokensOf = (a: LoginAnswer): AuthResult => {
  if (isTotpChallenge(a)) throw new Error('expected tokens, got a TOTP challenge')
  return a
}
const challengeOf = (a: LoginAnswer) => {
  if (!isTotpChallenge(a)) throw new Error('expected a TOTP challenge, got tokens')
  return a.challenge
}

/** A user with two-factor login on: its secret and recovery codes. */
const withTotp = async () => {
  const u = await t.signUp()
  const setup = await u.caller.auth.totpSetup()
  const enableCode = codeAt(setup.secret)
  const { recoveryCodes } = await u.caller.auth.totpEnable({ code: enableCode })
  return { ...u, secret: setup.secret, recoveryCodes, enableCode }
}

const status = async (token: string) =>
  (await get(t.app, 'users.me', undefined, bearer(token))).status

describe('auth.changePassword', () => {
  it('sets the new password with a new salt, ends every other session and keeps this one', async () => {
    const a = await t.signUp()
    const other = tokensOf(
      await from(null).auth.login({ login: a.login, passwordHash: sha256(a.password) }),
    )
    const otherSid = JSON.parse(
      Buffer.from(other.accessToken.split('.')[1]!, 'base64url').toString(),
    ) as { sid: string }
    let streamEnded = false
    t.deps.sessions.watch(otherSid.sid, { sessionEnded: () => (streamEnded = true) })
    const saltBefore = await t.db
      .selectFrom('users')
      .select('password_salt')
      .where('id', '=', a.user.id)
      .executeTakeFirstOrThrow()

    const res = await post(
      t.app,
      'auth.changePassword',
      { currentPasswordHash: sha256(a.password), newPasswordHash: sha256('a new password') },
      bearer(a.accessToken),
    )
    expect(res.body.result?.data).toEqual({ ok: true, ended: 1 })
    expect(streamEnded).toBe(true)
    expect(await status(other.accessToken)).toBe(401)
    expect(await status(a.accessToken)).toBe(200)
    const refreshed = await post(t.app, 'auth.refresh', { refreshToken: other.refreshToken })
    expect(refreshed.status).toBe(401)

    const saltAfter = await t.db
      .selectFrom('users')
      .select('password_salt')
      .where('id', '=', a.user.id)
      .executeTakeFirstOrThrow()
    expect(saltAfter.password_salt).not.toBe(saltBefore.password_salt)
    expect(saltAfter.password_salt.length).toBeGreaterThanOrEqual(32)
    expect(saltAfter.password_salt.length).toBeLessThanOrEqual(64)
    expect(
      await errorCode(from(null).auth.login({ login: a.login, passwordHash: sha256(a.password) })),
    ).toBe('UNAUTHORIZED')
    tokensOf(
      await from(null).auth.login({ login: a.login, passwordHash: sha256('a new password') }),
    )
  })

  it('refuses a wrong current password and throttles guesses like login', async () => {
    const a = await t.signUp()
    const caller = from(a.authUser)
    const wrong = { currentPasswordHash: sha256('nope'), newPasswordHash: sha256('x') }
    const res = await post(t.app, 'auth.changePassword', wrong, bearer(a.accessToken))
    expect(res.status).toBe(403)
    expect(res.body.error?.message).toMatch(/^currentPasswordHash/)
    for (let i = 0; i < 9; i++)
      expect(await errorCode(caller.auth.changePassword(wrong))).toBe('FORBIDDEN')
    const right = { currentPasswordHash: sha256(a.password), newPasswordHash: sha256('x') }
    expect(await errorCode(caller.auth.changePassword(right))).toBe('TOO_MANY_REQUESTS')
    // The account's budget is the one login uses.
    expect(
      await errorCode(from(null).auth.login({ login: a.login, passwordHash: sha256(a.password) })),
    ).toBe('TOO_MANY_REQUESTS')
  })

  it('needs a session and must be sent alone', async () => {
    const input = { currentPasswordHash: sha256('a'), newPasswordHash: sha256('b') }
    expect(await errorCode(from(null).auth.changePassword(input))).toBe('UNAUTHORIZED')
    const a = await t.signUp()
    const before = t.hashRuns()
    const res = await t.app.request('/trpc/auth.changePassword,auth.totpSetup?batch=1', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(a.accessToken) },
      body: JSON.stringify({ 0: input }),
    })
    const body = (await res.json()) as { error?: { message: string } }[]
    expect(body[0]?.error?.message).toMatch(/alone/)
    expect(t.hashRuns()).toBe(before)
  })
})

describe('two-factor login (TOTP)', () => {
  it('is set up with a code; the secret is stored sealed and never answered again', async () => {
    const a = await t.signUp()
    expect(await a.caller.auth.totpStatus()).toEqual({ enabled: false, recoveryCodesLeft: 0 })
    const setup = await a.caller.auth.totpSetup()
    expect(setup.uri).toMatch(/^otpauth:\/\/totp\/Messenger:/)
    expect(setup.uri).toContain(`secret=${setup.secret}`)
    const stored = await t.db
      .selectFrom('user_totp')
      .select('secret_enc')
      .where('user_id', '=', a.user.id)
      .executeTakeFirstOrThrow()
    expect(stored.secret_enc).not.toContain(setup.secret)
    // Not on until confirmed: login still answers tokens.
    tokensOf(await from(null).auth.login({ login: a.login, passwordHash: sha256(a.password) }))
    const wrong = codeAt(setup.secret, 5)
    expect(await errorCode(a.caller.auth.totpEnable({ code: wrong }))).toBe('BAD_REQUEST')
    const bad = await post(t.app, 'auth.totpEnable', { code: '12' }, bearer(a.accessToken))
    expect(bad.body.error?.message).toMatch(/^code/)

    const { recoveryCodes } = await a.caller.auth.totpEnable({ code: codeAt(setup.secret) })
    expect(recoveryCodes).toHaveLength(10)
    expect(new Set(recoveryCodes).size).toBe(10)
    for (const c of recoveryCodes) expect(c).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/)
    const hashes = await t.db
      .selectFrom('user_recovery_codes')
      .select('code_hash')
      .where('user_id', '=', a.user.id)
      .execute()
    expect(hashes).toHaveLength(10)
    expect(JSON.stringify(hashes)).not.toContain(recoveryCodes[0]!.replace('-', ''))
    expect(await a.caller.auth.totpStatus()).toEqual({ enabled: true, recoveryCodesLeft: 10 })
    expect(JSON.stringify(await a.caller.auth.totpStatus())).not.toContain(setup.secret)
    expect(await errorCode(a.caller.auth.totpSetup())).toBe('CONFLICT')
    expect(await errorCode(from(null).auth.totpSetup())).toBe('UNAUTHORIZED')
  })

  it('login asks for a code; a code works once, a recovery code once', async () => {
    const a = await withTotp()
    const http = await post(t.app, 'auth.login', {
      login: a.login,
      passwordHash: sha256(a.password),
    })
    expect(http.status).toBe(200)
    const answer = http.body.result?.data as LoginAnswer
    expect(Object.keys(answer).sort()).toEqual(['challenge', 'totpRequired'])
    const challenge = challengeOf(answer)

    // The code of the enabling step is spent already; the next step's is not.
    expect(await errorCode(from(null).auth.loginTotp({ challenge, code: a.enableCode }))).toBe(
      'UNAUTHORIZED',
    )
    const next = codeAt(a.secret, 1)
    const tokens = await from(null).auth.loginTotp({ challenge, code: next })
    expect(tokens.user.id).toBe(a.user.id)
    expect(await status(tokens.accessToken)).toBe(200)
    expect(await errorCode(from(null).auth.loginTotp({ challenge, code: next }))).toBe(
      'UNAUTHORIZED',
    )

    const recovery = a.recoveryCodes[3]!.toUpperCase()
    const viaRecovery = await from(null).auth.loginTotp({ challenge, recoveryCode: recovery })
    expect(viaRecovery.user.id).toBe(a.user.id)
    expect(
      await errorCode(from(null).auth.loginTotp({ challenge, recoveryCode: a.recoveryCodes[3]! })),
    ).toBe('UNAUTHORIZED')
    expect(await a.caller.auth.totpStatus()).toEqual({ enabled: true, recoveryCodesLeft: 9 })
    // Another user's challenge does not take this user's codes.
    const b = await withTotp()
    const bChallenge = challengeOf(
      await from(null).auth.login({ login: b.login, passwordHash: sha256(b.password) }),
    )
    expect(
      await errorCode(
        from(null).auth.loginTotp({ challenge: bChallenge, recoveryCode: a.recoveryCodes[0]! }),
      ),
    ).toBe('UNAUTHORIZED')
  })

  it('refuses a forged or malformed challenge and input with neither or both factors', async () => {
    const a = await withTotp()
    expect(
      await errorCode(from(null).auth.loginTotp({ challenge: a.accessToken, code: '123456' })),
    ).toBe('UNAUTHORIZED')
    expect(await errorCode(from(null).auth.loginTotp({ challenge: 'x' }))).toBe('BAD_REQUEST')
    const both = await post(t.app, 'auth.loginTotp', {
      challenge: 'x',
      code: '123456',
      recoveryCode: 'abcde-fghij',
    })
    expect(both.status).toBe(400)
    expect(both.body.error?.message).toMatch(/code/)
  })

  it('throttles codes with the login budget, which a right password does not reset', async () => {
    const a = await withTotp()
    const login = () => from(null).auth.login({ login: a.login, passwordHash: sha256(a.password) })
    let challenge = challengeOf(await login())
    for (let i = 0; i < 9; i++) {
      expect(await errorCode(from(null).auth.loginTotp({ challenge, code: '000000' }))).toBe(
        'UNAUTHORIZED',
      )
    }
    // Knowing the password must not buy more guesses at the code.
    challenge = challengeOf(await login())
    expect(await errorCode(from(null).auth.loginTotp({ challenge, code: '000000' }))).toBe(
      'UNAUTHORIZED',
    )
    const res = await post(t.app, 'auth.loginTotp', { challenge, code: codeAt(a.secret, 1) })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await errorCode(login())).toBe('TOO_MANY_REQUESTS')
  })

  it('is turned off only with a code, throttled', async () => {
    const a = await withTotp()
    const caller = from(a.authUser)
    expect(await errorCode(caller.auth.totpDisable({ code: a.enableCode }))).toBe('FORBIDDEN')
    expect(await errorCode(caller.auth.totpDisable({ recoveryCode: 'aaaaa-aaaaa' }))).toBe(
      'FORBIDDEN',
    )
    expect(await errorCode(caller.auth.totpDisable({}))).toBe('BAD_REQUEST')
    expect(await caller.auth.totpDisable({ code: codeAt(a.secret, 1) })).toEqual({ ok: true })
    expect(await caller.auth.totpStatus()).toEqual({ enabled: false, recoveryCodesLeft: 0 })
    tokensOf(await from(null).auth.login({ login: a.login, passwordHash: sha256(a.password) }))
    expect(await errorCode(caller.auth.totpDisable({ code: '123456' }))).toBe('NOT_FOUND')

    const b = await withTotp()
    const bc = from(b.authUser)
    for (let i = 0; i < 10; i++) {
      expect(await errorCode(bc.auth.totpDisable({ code: '000000' }))).toBe('FORBIDDEN')
    }
    expect(await errorCode(bc.auth.totpDisable({ code: codeAt(b.secret, 1) }))).toBe(
      'TOO_MANY_REQUESTS',
    )
  })
})

describe('users.profile and users.sharedChats', () => {
  it('shows a person to anyone who can find them, last seen only to people sharing a chat', async () => {
    const [a, b, stranger] = [await t.signUp(), await t.signUp(), await t.signUp()]
    await a.caller.chats.createDirect({ userId: b.user.id })
    const seen = new Date('2026-12-01T10:00:00.000Z')
    await t.db
      .updateTable('users')
      .set({ last_seen_at: seen })
      .where('id', '=', b.user.id)
      .execute()

    const res = await get(t.app, 'users.profile', { userId: b.user.id }, bearer(a.accessToken))
    expect(res.body.result?.data).toEqual({
      user: {
        id: b.user.id,
        login: b.login,
        firstName: b.user.firstName,
        lastName: b.user.lastName,
      },
      lastSeenAt: seen.toISOString(),
    })
    expect(await stranger.caller.users.profile({ userId: b.user.id })).toMatchObject({
      user: { id: b.user.id, login: b.login },
      lastSeenAt: null,
    })
    expect(
      JSON.stringify(await stranger.caller.users.profile({ userId: b.user.id })),
    ).not.toContain('@example.com')
    await t.db
      .updateTable('users')
      .set({ presence_hidden: 1 })
      .where('id', '=', b.user.id)
      .execute()
    expect((await a.caller.users.profile({ userId: b.user.id })).lastSeenAt).toBeNull()
    expect(await errorCode(a.caller.users.profile({ userId: randomUUID() }))).toBe('NOT_FOUND')
    expect(await errorCode(from(null).users.profile({ userId: b.user.id }))).toBe('UNAUTHORIZED')
    const bad = await get(t.app, 'users.profile', { userId: 'x' }, bearer(a.accessToken))
    expect(bad.status).toBe(400)
    expect(bad.body.error?.message).toMatch(/^userId/)
  })

  it('pages the chats both people are in, and nothing of the others', async () => {
    const [a, b, c] = [await t.signUp(), await t.signUp(), await t.signUp()]
    const direct = await a.caller.chats.createDirect({ userId: b.user.id })
    const g1 = await a.caller.chats.createGroup({ title: 'g1', memberIds: [b.user.id] })
    const g2 = await c.caller.chats.createGroup({ title: 'g2', memberIds: [a.user.id, b.user.id] })
    await a.caller.chats.createGroup({ title: 'without b', memberIds: [c.user.id] })
    const withoutA = await b.caller.chats.createGroup({
      title: 'without a',
      memberIds: [c.user.id],
    })

    const first = await a.caller.users.sharedChats({ userId: b.user.id, limit: 2 })
    expect(first.items).toHaveLength(2)
    expect(first.nextCursor).not.toBeNull()
    const second = await a.caller.users.sharedChats({
      userId: b.user.id,
      limit: 2,
      cursor: first.nextCursor!,
    })
    expect(second.nextCursor).toBeNull()
    const ids = [...first.items, ...second.items].map((x) => x.id)
    expect(ids.sort()).toEqual([direct.id, g1.id, g2.id].sort())
    // Each chat as the caller sees it.
    expect(first.items.concat(second.items).find((x) => x.id === direct.id)?.title).toBe(
      `${b.user.firstName} ${b.user.lastName}`,
    )
    // A third person sees only what they share with b.
    expect(
      (await c.caller.users.sharedChats({ userId: b.user.id })).items.map((x) => x.id).sort(),
    ).toEqual([g2.id, withoutA.id].sort())
    const bad = await get(
      t.app,
      'users.sharedChats',
      { userId: b.user.id, cursor: 'nope' },
      bearer(a.accessToken),
    )
    expect(bad.body.error?.message).toMatch(/^cursor/)
    expect(await errorCode(a.caller.users.sharedChats({ userId: b.user.id, limit: 51 }))).toBe(
      'BAD_REQUEST',
    )
  })
})

describe('users.deleteAccount', () => {
  it('checks the password (throttled) and the code when two-factor login is on', async () => {
    const a = await withTotp()
    const caller = from(a.authUser)
    const res = await post(
      t.app,
      'users.deleteAccount',
      { passwordHash: sha256('wrong') },
      bearer(a.accessToken),
    )
    expect(res.status).toBe(403)
    expect(res.body.error?.message).toMatch(/^passwordHash/)
    expect(await errorCode(caller.users.deleteAccount({ passwordHash: sha256(a.password) }))).toBe(
      'BAD_REQUEST',
    )
    expect(
      await errorCode(
        caller.users.deleteAccount({ passwordHash: sha256(a.password), code: '000000' }),
      ),
    ).toBe('FORBIDDEN')
    expect(await status(a.accessToken)).toBe(200)
    for (let i = 0; i < 8; i++) {
      await errorCode(caller.users.deleteAccount({ passwordHash: sha256('wrong') }))
    }
    expect(
      await errorCode(
        caller.users.deleteAccount({ passwordHash: sha256(a.password), code: codeAt(a.secret, 1) }),
      ),
    ).toBe('TOO_MANY_REQUESTS')
    expect(await status(a.accessToken)).toBe(200)
    expect(await errorCode(from(null).users.deleteAccount({ passwordHash: sha256('x') }))).toBe(
      'UNAUTHORIZED',
    )
  })

  it('ends every session, keeps the messages as from "Deleted account", frees login and email', async () => {
    const a = await withTotp()
    const [b, c] = [await t.signUp(), await t.signUp()]
    const other = tokensOf(
      await from(null).auth.loginTotp({
        challenge: challengeOf(
          await from(null).auth.login({ login: a.login, passwordHash: sha256(a.password) }),
        ),
        recoveryCode: a.recoveryCodes[0]!,
      }),
    )
    const direct = await b.caller.chats.createDirect({ userId: a.user.id })
    const group = await a.caller.chats.createGroup({
      title: 'owned by a',
      memberIds: [b.user.id, c.user.id],
    })
    const alone = await a.caller.chats.createGroup({ title: 'only a', memberIds: [] })
    const png = await uprightCard().png().toBuffer()
    const sentImage = await uploadImage(t.deps, a.user.id, png)
    const unsentImage = await uploadImage(t.deps, a.user.id, png)
    await a.caller.messages.send({
      chatId: direct.id,
      clientId: randomUUID(),
      text: 'hello from a',
      imageIds: [sentImage.id],
    })

    expect(
      await from(a.authUser).users.deleteAccount({
        passwordHash: sha256(a.password),
        recoveryCode: a.recoveryCodes[1]!,
      }),
    ).toEqual({ ok: true })

    expect(await status(a.accessToken)).toBe(401)
    expect(await status(other.accessToken)).toBe(401)
    expect((await post(t.app, 'auth.refresh', { refreshToken: other.refreshToken })).status).toBe(
      401,
    )
    expect(
      await errorCode(from(null).auth.login({ login: a.login, passwordHash: sha256(a.password) })),
    ).toBe('UNAUTHORIZED')

    // The personal chat stays readable for b, the message with its image, from "Deleted account".
    const history = await b.caller.messages.list({ chatId: direct.id })
    expect(history.items[0]).toMatchObject({
      text: 'hello from a',
      sender: {
        id: a.user.id,
        login: '',
        firstName: 'Deleted',
        lastName: 'account',
        deleted: true,
      },
    })
    expect(history.items[0]?.images.map((i) => i.id)).toEqual([sentImage.id])
    expect((await b.caller.chats.get({ chatId: direct.id })).title).toBe('Deleted account')
    expect(await t.deps.images.read(sentImage.id, 'full')).not.toBeNull()
    expect(await t.deps.images.read(unsentImage.id, 'full')).toBeNull()
    const imageRows = await t.db
      .selectFrom('images')
      .select('id')
      .where('owner_id', '=', a.user.id)
      .execute()
    expect(imageRows.map((r) => r.id)).toEqual([sentImage.id])

    // Groups were left: ownership handed on, the group a was alone in is gone.
    const g = await b.caller.chats.get({ chatId: group.id })
    expect(g.members.map((m) => m.id)).not.toContain(a.user.id)
    expect(g.ownerId).toBe(b.user.id)
    expect(
      await sql<{ n: number }>`SELECT COUNT(*) AS n FROM chats WHERE id = ${alone.id}`.execute(
        t.db,
      ),
    ).toMatchObject({ rows: [{ n: 0 }] })

    // Profiles: people who shared a chat see "Deleted account"; nobody else finds it.
    expect(await b.caller.users.profile({ userId: a.user.id })).toEqual({
      user: { id: a.user.id, login: '', firstName: 'Deleted', lastName: 'account', deleted: true },
      lastSeenAt: null,
    })
    const stranger = await t.signUp()
    expect(await errorCode(stranger.caller.users.profile({ userId: a.user.id }))).toBe('NOT_FOUND')
    expect((await b.caller.users.search({ query: a.login })).items).toEqual([])
    expect(await errorCode(c.caller.chats.createDirect({ userId: a.user.id }))).toBe('NOT_FOUND')
    expect(
      await errorCode(c.caller.chats.createGroup({ title: 'x', memberIds: [a.user.id] })),
    ).toBe('NOT_FOUND')
    // No secret of the account is left.
    for (const table of ['user_totp', 'user_recovery_codes'] as const) {
      expect(
        await t.db.selectFrom(table).select('user_id').where('user_id', '=', a.user.id).execute(),
      ).toEqual([])
    }

    // The login and the email are free again.
    await from(null).auth.register({
      login: a.login,
      email: `${a.login}@example.com`,
      firstName: 'New',
      lastName: 'Person',
      passwordHash: sha256('another one'),
    })
    const again = tokensOf(
      await from(null).auth.login({ login: a.login, passwordHash: sha256('another one') }),
    )
    expect(again.user.id).not.toBe(a.user.id)
    expect(await errorCode(b.caller.messages.list({ chatId: direct.id }))).toBe('OK')
  })

  it('closes the personal chats: readable, no new message or forward; a retry still answers', async () => {
    const [a, b, c] = [await t.signUp(), await t.signUp(), await t.signUp()]
    const direct = await b.caller.chats.createDirect({ userId: a.user.id })
    const other = await b.caller.chats.createDirect({ userId: c.user.id })
    const clientId = randomUUID()
    const before = await b.caller.messages.send({
      chatId: direct.id,
      clientId,
      text: 'still there?',
    })
    const elsewhere = await b.caller.messages.send({
      chatId: other.id,
      clientId: randomUUID(),
      text: 'to forward',
    })
    await a.caller.users.deleteAccount({ passwordHash: sha256(a.password) })

    const refused = b.caller.messages.send({
      chatId: direct.id,
      clientId: randomUUID(),
      text: 'hi',
    })
    await expect(refused).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/^chatId: .*deleted their account/) as unknown,
    })
    // Over HTTP too (the direct path), with the same clear answer.
    const http = await post(
      t.app,
      'messages.send',
      { chatId: direct.id, clientId: randomUUID(), text: 'hi' },
      bearer(b.accessToken),
    )
    expect(http.status).toBe(403)
    expect(http.body.error?.message).toMatch(/deleted their account/)
    expect(
      await errorCode(
        b.caller.messages.forward({
          messageId: elsewhere.id,
          chatId: direct.id,
          clientId: randomUUID(),
        }),
      ),
    ).toBe('FORBIDDEN')
    // A send retried after the deletion answers the message it stored before.
    expect(
      await b.caller.messages.send({ chatId: direct.id, clientId, text: 'still there?' }),
    ).toMatchObject({ id: before.id })
    // Nothing new was stored; the history reads as before.
    const history = await b.caller.messages.list({ chatId: direct.id })
    expect(history.items.map((m) => m.id)).toEqual([before.id])
    // Someone outside the chat is told only that they are not in it.
    await expect(
      c.caller.messages.send({ chatId: direct.id, clientId: randomUUID(), text: 'x' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'You are not a member of this chat' })
    // Other personal chats stay open.
    expect(
      await errorCode(
        b.caller.messages.send({ chatId: other.id, clientId: randomUUID(), text: 'open' }),
      ),
    ).toBe('OK')
  })

  it('tells the other person of a personal chat live', async () => {
    const [a, b] = [await t.signUp(), await t.signUp()]
    const direct = await b.caller.chats.createDirect({ userId: a.user.id })
    const { lastEventId } = await b.caller.messages.head()
    await a.caller.users.deleteAccount({ passwordHash: sha256(a.password) })
    const rows = await t.db
      .selectFrom('chat_events')
      .select(['chat_id', 'type'])
      .where('id', '>', Number(lastEventId ?? 0))
      .where('chat_id', '=', direct.id)
      .execute()
    expect(rows).toEqual([{ chat_id: direct.id, type: 'chat.updated' }])
  })
})
