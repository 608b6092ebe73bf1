import { describe, expect, it } from 'vitest'
import { createLimiter } from './limiter'

const tick = () => new Promise((r) => setTimeout(r, 5))

describe('createLimiter', () => {
  it('runs at most `concurrency` at once and the rest in FIFO order', async () => {
    const limiter = createLimiter(2)
    let running = 0
    let peak = 0
    const order: number[] = []
    const jobs = Array.from({ length: 6 }, (_, i) =>
      limiter.run(async () => {
        running++
        peak = Math.max(peak, running)
        order.push(i)
        await tick()
        running--
        return i * 10
      }),
    )
    expect(limiter.active).toBe(2)
    expect(limiter.queued).toBe(4)
    expect(await Promise.all(jobs)).toEqual([0, 10, 20, 30, 40, 50])
    expect(peak).toBe(2)
    expect(order).toEqual([0, 1, 2, 3, 4, 5])
    expect(limiter.active).toBe(0)
  })

  it('frees the slot when a job fails', async () => {
    const limiter = createLimiter(1)
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await limiter.run(() => Promise.resolve('next'))).toBe('next')
    expect(limiter.active).toBe(0)
  })

  it('rejects a nonsensical concurrency', () => {
    expect(() => createLimiter(0)).toThrow(/at least 1/)
  })
})
