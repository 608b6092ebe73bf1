import { availableParallelism } from 'node:os'

export interface Limiter {
  /** Runs fn when a slot is free; callers beyond the limit wait in FIFO order. */
  run<T>(fn: () => Promise<T>): Promise<T>
  readonly active: number
  readonly queued: number
}

/**
 * Bounds concurrent work (image decoding: CPU and memory) to `concurrency` at a time.
 *
 * @example const decode = createLimiter(availableParallelism()); await decode.run(() => processImage(b))
 */
export const createLimiter = (concurrency: number = availableParallelism()): Limiter => {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`Expected a concurrency of at least 1 but received ${concurrency}`)
  let active = 0
  const waiting: (() => void)[] = []
  const release = () => {
    active--
    const next = waiting.shift()
    if (next) {
      active++
      next()
    }
  }
  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (active < concurrency) active++
      else await new Promise<void>((resolve) => waiting.push(resolve))
      try {
        return await fn()
      } finally {
        release()
      }
    },
    get active() {
      return active
    },
    get queued() {
      return waiting.length
    },
  }
}
