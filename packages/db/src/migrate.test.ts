import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, type TestDb } from './testing'
import { checkLogin, registerUser } from './queries/users'

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
})
afterAll(() => t.drop())

describe('register_user and check_login procedures', () => {
  const secret = 'b'.repeat(64)
  const base = { firstName: 'Ann', lastName: 'Lee', secret }

  it('stores a salted hash and checks it by login and by email', async () => {
    const id = '0190f0c2-0000-7000-8000-000000000001'
    expect(await registerUser(t.db, { ...base, id, login: 'ann', email: 'ann@example.com' })).toBe(
      null,
    )
    expect(await checkLogin(t.db, 'ann', secret)).toEqual({ userId: id, matches: true })
    expect(await checkLogin(t.db, 'ANN@example.com', secret)).toEqual({ userId: id, matches: true })
    expect(await checkLogin(t.db, 'ann', 'c'.repeat(64))).toEqual({ userId: id, matches: false })
    expect(await checkLogin(t.db, 'nobody', secret)).toBe(null)
  })

  it('draws distinct salts of 32 to 64 characters', async () => {
    for (let i = 0; i < 40; i++) {
      const id = `0190f0c2-0000-7000-8000-0000000001${String(i).padStart(2, '0')}`
      await registerUser(t.db, { ...base, id, login: `salt${i}`, email: `salt${i}@example.com` })
    }
    const rows = await t.db.selectFrom('users').select(['password_salt', 'password_hash']).execute()
    const salts = rows.map((r) => r.password_salt)
    expect(new Set(salts).size).toBe(salts.length)
    for (const s of salts) expect(s.length).toBeGreaterThanOrEqual(32)
    for (const s of salts) expect(s.length).toBeLessThanOrEqual(64)
    const lengths = new Set(salts.map((s) => s.length))
    expect(lengths.size).toBeGreaterThan(5)
    // Same secret, different salts: different stored hashes.
    expect(new Set(rows.map((r) => r.password_hash)).size).toBe(rows.length)
  })

  it('rejects a login or email taken in another case, naming which', async () => {
    const id = '0190f0c2-0000-7000-8000-000000000999'
    expect(await registerUser(t.db, { ...base, id, login: 'ANN', email: 'x@example.com' })).toBe(
      'login',
    )
    expect(await registerUser(t.db, { ...base, id, login: 'ann2', email: 'Ann@Example.com' })).toBe(
      'email',
    )
    const count = await sql<{
      n: number
    }>`SELECT COUNT(*) AS n FROM users WHERE login LIKE 'ann%'`.execute(t.db)
    expect(Number(count.rows[0]?.n)).toBe(1)
  })
})
