/** Thrown when a request cannot start soon enough; nothing of it has run. */
export class Overloaded extends Error {
  constructor(readonly reason: 'queue full' | 'waited too long') {
    super(`Server busy (${reason}); retry shortly`)
  }
}

interface Waiter {
  admit: () => void
  reject: (e: Overloaded) => void
  timer: NodeJS.Timeout
}

export interface Admission {
  /** Waits for a slot and returns its release; rejects with Overloaded, never after starting. */
  enter(): Promise<() => void>
  readonly running: number
  readonly queued: number
}

/**
 * Bounds the work in flight: at most `concurrency` requests run, at most `queueLimit` wait (FIFO)
 * and none longer than `maxWaitMs`. Past that a request is refused before it starts, so a retry is
 * always safe and an overloaded server answers fast instead of queueing work up to every client's
 * timeout (which grew the heap to a gigabyte and collapsed throughput).
 */
export const createAdmission = (opts: {
  concurrency: number
  queueLimit: number
  maxWaitMs: number
}): Admission => {
  let running = 0
  // A plain array: it never holds more than queueLimit waiters, so shift and splice stay cheap.
  const queue: Waiter[] = []

  const release = () => {
    const next = queue.shift()
    if (!next) {
      running--
      return
    }
    clearTimeout(next.timer)
    next.admit()
  }
  const once = () => {
    let released = false
    return () => {
      if (released) return
      released = true
      release()
    }
  }

  return {
    enter: () => {
      if (running < opts.concurrency) {
        running++
        return Promise.resolve(once())
      }
      if (queue.length >= opts.queueLimit) {
        return Promise.reject(new Overloaded('queue full'))
      }
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          admit: () => resolve(once()),
          reject,
          timer: setTimeout(() => {
            const i = queue.indexOf(waiter)
            if (i >= 0) queue.splice(i, 1)
            reject(new Overloaded('waited too long'))
          }, opts.maxWaitMs),
        }
        queue.push(waiter)
      })
    },
    get running() {
      return running
    },
    get queued() {
      return queue.length
    },
  }
}
