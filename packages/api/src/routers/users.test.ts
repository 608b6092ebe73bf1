import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestApp, get, post, type TestApp } from '../testing'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('users', () => {
  it('me answers the caller over HTTP, and 401 without a token', async () => {
    const a = await t.signUp()
    const res = await get(t.app, 'users.me', undefined, bearer(a.accessToken))
    expect(res.status).toBe(200)
    expect(res.body.result?.data).toMatchObject({ id: a.user.id, login: a.login })
    const anon = await get(t.app, 'users.me', undefined)
    expect(anon.status).toBe(401)
    expect(anon.body.error?.data.code).toBe('UNAUTHORIZED')
  })

  it('search matches prefixes of login and names without case, and never returns emails', async () => {
    const a = await t.signUp({ login: 'Zelda_k', firstName: 'Ignatius' })
    const res = await get(t.app, 'users.search', { query: 'zeL' }, bearer(a.accessToken))
    expect(res.body.result?.data).toEqual({
      items: [
        { id: a.user.id, login: 'Zelda_k', firstName: 'Ignatius', lastName: a.user.lastName },
      ],
    })
    const byName = await a.caller.users.search({ query: 'igna' })
    expect(byName.items.map((u) => u.id)).toEqual([a.user.id])
    expect(JSON.stringify(byName)).not.toContain('@example.com')
  })

  it('search treats % and _ literally', async () => {
    const a = await t.signUp()
    expect((await a.caller.users.search({ query: '%' })).items).toEqual([])
  })

  it('search limit is validated', async () => {
    const a = await t.signUp()
    const res = await get(t.app, 'users.search', { query: 'a', limit: 51 }, bearer(a.accessToken))
    expect(res.status).toBe(400)
    expect(res.body.error?.message).toMatch(/^limit:/)
  })

  it('updateProfile changes names and rejects empty input', async () => {
    const a = await t.signUp()
    expect(await a.caller.users.updateProfile({ firstName: ' Maria ' })).toMatchObject({
      firstName: 'Maria',
      lastName: a.user.lastName,
    })
    const res = await post(t.app, 'users.updateProfile', {}, bearer(a.accessToken))
    expect(res.status).toBe(400)
  })
})
