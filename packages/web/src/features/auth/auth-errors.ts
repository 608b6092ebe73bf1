import type { MessageKey } from '../../lib/i18n'
import { errorCode, errorMessage } from '../../lib/trpc'

/** What a person should read for a failed sign-in or sign-up. */
export const authErrorKey = (error: unknown): { key: MessageKey; detail: string } => {
  const code = errorCode(error)
  const detail = errorMessage(error)
  switch (code) {
    case 'UNAUTHORIZED':
      return { key: 'errWrongCredentials', detail }
    case 'CONFLICT':
      return { key: /email/i.test(detail) ? 'errEmailTaken' : 'errLoginTaken', detail }
    case 'TOO_MANY_REQUESTS':
      return { key: 'errTooMany', detail }
    case 'NETWORK':
      return { key: 'errNetwork', detail }
    default:
      return { key: 'errGeneric', detail }
  }
}
