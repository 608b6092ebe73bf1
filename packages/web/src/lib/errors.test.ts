import { TRPCClientError } from '@trpc/client'
import { describe, expect, it } from 'vitest'
import { errorText, readError } from './errors'
import { translate } from './i18n'

/** A tRPC failure as the client sees one from the API's error formatter. */
const failure = (code: string, message: string, issues?: unknown[]) =>
  new TRPCClientError(message, {
    result: {
      error: {
        message,
        code: -32600,
        data: { code, httpStatus: 400, ...(issues ? { issues } : {}) },
      },
    },
  })

describe('readable errors', () => {
  it('puts each validation issue on its field as a sentence, not the server text', () => {
    const error = failure('BAD_REQUEST', 'email: email must be a valid email address', [
      { path: 'email', code: 'invalid_format', format: 'email' },
      { path: 'firstName', code: 'too_small', minimum: 1 },
      { path: 'login', code: 'invalid_format' },
    ])
    const { fields, form } = readError(error, ['email', 'firstName', 'login'])
    expect(fields).toEqual({
      email: { key: 'errEmailFormat' },
      firstName: { key: 'errRequired' },
      login: { key: 'errLoginFormat' },
    })
    expect(form).toBeNull()
    expect(translate('ru', fields.email!.key)).not.toMatch(/valid email/)
  })

  it('an issue about a field not on screen becomes the form sentence', () => {
    const error = failure('BAD_REQUEST', 'title too long', [
      { path: 'title', code: 'too_big', maximum: 100 },
    ])
    expect(readError(error, [])).toEqual({
      fields: {},
      form: { key: 'errTooLong', vars: { count: 100 } },
    })
    expect(errorText((k, v) => translate('ru', k, v), error)).toBe(
      translate('ru', 'errTooLong', { count: 100 }),
    )
  })

  it('failures without issues read by their code (renames and membership changes)', () => {
    const t = (k: Parameters<typeof translate>[1]) => translate('en', k)
    expect(errorText(t, failure('FORBIDDEN', 'Only the owner can rename'))).toBe(t('errOwnerOnly'))
    expect(errorText(t, failure('FORBIDDEN', 'Not a member'))).toBe(t('errForbidden'))
    expect(errorText(t, failure('NOT_FOUND', 'No such chat'))).toBe(t('errNotFound'))
    expect(errorText(t, new TRPCClientError('fetch failed'))).toBe(t('errNetwork'))
  })
})
