import { TRPCClientError } from '@trpc/client'
import type { MessageKey } from './i18n'
import { errorCode, errorMessage } from './trpc'

/** One zod issue as the API's error formatter sends it in `error.data.issues`. */
export interface FieldIssue {
  path: string
  code: string
  minimum?: number
  maximum?: number
  format?: string
}

/** A sentence to translate: a key and its variables. */
export interface Readable {
  key: MessageKey
  vars?: Record<string, string | number>
}

export interface ReadableError {
  /** Sentences for fields the server named (by input path, e.g. `title`). */
  fields: Record<string, Readable>
  /** What is not about one field (or about a field not on screen). */
  form: Readable | null
}

const isIssue = (x: unknown): x is FieldIssue =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as FieldIssue).path === 'string' &&
  typeof (x as FieldIssue).code === 'string'

export const issuesOf = (error: unknown): FieldIssue[] => {
  if (!(error instanceof TRPCClientError)) return []
  const issues = (error.data as { issues?: unknown } | undefined)?.issues
  return Array.isArray(issues) ? issues.filter(isIssue) : []
}

/** The sentence for one broken rule, without the field's name (it is shown on the field). */
export const issueSentence = (issue: FieldIssue): Readable => {
  switch (issue.code) {
    case 'too_small':
      return issue.minimum !== undefined && issue.minimum > 1
        ? { key: 'errTooShort', vars: { count: issue.minimum } }
        : { key: 'errRequired' }
    case 'too_big':
      return issue.maximum !== undefined
        ? { key: 'errTooLong', vars: { count: issue.maximum } }
        : { key: 'errInvalidValue' }
    case 'invalid_format':
      if (issue.format === 'email') return { key: 'errEmailFormat' }
      if (issue.path === 'login') return { key: 'errLoginFormat' }
      return { key: 'errInvalidValue' }
    case 'invalid_type':
      return { key: 'errRequired' }
    default:
      return { key: 'errInvalidValue' }
  }
}

/** The sentence for a failure that names no field, by its code. */
const codeSentence = (error: unknown): Readable => {
  const message = errorMessage(error)
  switch (errorCode(error)) {
    case 'NETWORK':
      return { key: 'errNetwork' }
    case 'UNAUTHORIZED':
      return { key: 'errSessionEnded' }
    case 'FORBIDDEN':
      return { key: /owner/i.test(message) ? 'errOwnerOnly' : 'errForbidden' }
    case 'NOT_FOUND':
      return { key: 'errNotFound' }
    case 'CONFLICT':
      return { key: 'errConflict' }
    case 'TOO_MANY_REQUESTS':
      return { key: 'errTooMany' }
    case 'BAD_REQUEST':
      return { key: 'errInvalidValue' }
    default:
      return { key: 'errServer' }
  }
}

/**
 * Maps a failed call to translated sentences: zod issues go to their fields, the rest to the form.
 * `onScreen` lists the fields the form shows; issues about other fields become form sentences.
 */
export const readError = (error: unknown, onScreen: readonly string[] = []): ReadableError => {
  const issues = issuesOf(error)
  if (issues.length === 0) return { fields: {}, form: codeSentence(error) }
  const fields: Record<string, Readable> = {}
  let form: Readable | null = null
  for (const issue of issues) {
    const sentence = issueSentence(issue)
    if (onScreen.includes(issue.path)) fields[issue.path] ??= sentence
    else form ??= sentence
  }
  return { fields, form }
}

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string

/** One translated sentence for a failed call, for places that show a single line. */
export const errorText = (t: Translate, error: unknown): string => {
  const { fields, form } = readError(error)
  const first = form ?? Object.values(fields)[0] ?? codeSentence(error)
  return t(first.key, first.vars)
}
