import { readError, type Readable } from '../../lib/errors'
import { errorCode, errorMessage } from '../../lib/trpc'

/** What a person should read for a failed sign-in or sign-up, by field where the server named one. */
export const authError = (
  error: unknown,
  onScreen: readonly string[] = [],
): { fields: Record<string, Readable>; form: Readable | null } => {
  switch (errorCode(error)) {
    case 'UNAUTHORIZED':
      return { fields: {}, form: { key: 'errWrongCredentials' } }
    case 'CONFLICT':
      return /email/i.test(errorMessage(error))
        ? { fields: { email: { key: 'errEmailTaken' } }, form: null }
        : { fields: { login: { key: 'errLoginTaken' } }, form: null }
    default:
      return readError(error, onScreen)
  }
}
