import { createHash } from 'node:crypto'
import { hashRaw, type Algorithm } from '@node-rs/argon2'

// Algorithm is an ambient const enum, which verbatimModuleSyntax cannot import as a value.
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- the enum's own value
const ARGON2ID = 2 as Algorithm

/**
 * B = Argon2id(A, secret = pepper), OWASP's minimum (19 MiB, t=2, p=1). The salt is fixed and
 * derived from the pepper so B is deterministic; the database adds the per-user salt on top.
 * A stolen database alone is useless without the pepper, and every guess costs 19 MiB of memory.
 */
export const createPasswordHasher = (pepper: string) => {
  const secret = Buffer.from(pepper, 'utf8')
  const salt = createHash('sha256')
    .update(`messenger/password-salt/${pepper}`)
    .digest()
    .subarray(0, 16)
  return async (passwordHash: string): Promise<string> => {
    const raw = await hashRaw(passwordHash, {
      algorithm: ARGON2ID,
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
      outputLen: 32,
      salt,
      secret,
    })
    return raw.toString('hex')
  }
}
export type PasswordHasher = ReturnType<typeof createPasswordHasher>
