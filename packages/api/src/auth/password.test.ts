import { createHash, randomBytes } from 'node:crypto'
import { verify } from '@node-rs/argon2'
import { describe, expect, it } from 'vitest'
import { createPasswordHasher } from './password'

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
const phcBase64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '')

describe('createPasswordHasher', () => {
  const pepper = randomBytes(32).toString('base64url')
  const hash = createPasswordHasher(pepper)

  it('is Argon2id with 19 MiB, t=2, p=1, keyed with the pepper', async () => {
    const a = sha256('correct horse battery staple')
    const b = await hash(a)
    expect(b).toMatch(/^[0-9a-f]{64}$/)
    // Rebuild the PHC string the parameters imply and let argon2 check it independently.
    const salt = createHash('sha256')
      .update(`messenger/password-salt/${pepper}`)
      .digest()
      .subarray(0, 16)
    const phc = `$argon2id$v=19$m=19456,t=2,p=1$${phcBase64(salt)}$${phcBase64(Buffer.from(b, 'hex'))}`
    const secret = Buffer.from(pepper)
    expect(await verify(phc, a, { secret })).toBe(true)
    expect(await verify(phc, a, { secret: Buffer.from(`${pepper}x`) })).toBe(false)
    expect(await verify(phc.replace('t=2', 't=1'), a, { secret })).toBe(false)
  })

  it('is deterministic for one pepper, so the database can salt it', async () => {
    const a = sha256('same')
    expect(await hash(a)).toBe(await hash(a))
    expect(await hash(sha256('other'))).not.toBe(await hash(a))
  })

  it('depends on the pepper: a stolen database alone does not allow guessing', async () => {
    const a = sha256('same')
    const otherPepper = createPasswordHasher(randomBytes(32).toString('base64url'))
    expect(await otherPepper(a)).not.toBe(await hash(a))
  })
})
