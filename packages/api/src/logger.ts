import type { TRPCError } from '@trpc/server'
import { pino, type Logger } from 'pino'

export type { Logger }

export const createLogger = (level: string): Logger => pino({ level, base: undefined })

/** A call that failed on the server's side, not the caller's: logged with what caused it. */
export const logUnexpected = (
  log: Logger,
  error: TRPCError,
  path: string | undefined,
  requestId: string,
) => {
  if (error.code === 'INTERNAL_SERVER_ERROR') {
    log.error({ err: error.cause ?? error, path, requestId }, 'unexpected error')
  }
}
