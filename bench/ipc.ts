import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
/**
 * What a server under test answers its bench over IPC (bench/processes.ts): `{ type: 'cpu' }` with
 * the CPU time it has used (ms), `{ type: 'rss' }` with its RSS and heap after a full GC (when
 * started with --expose-gc), `profile-start` and `profile-stop` (to `file`) for a CPU profile of
 * one stretch, `loop-start` and `loop` for its event-loop delay over one stretch (ms). Exits
 * normally on SIGTERM, so --cpu-prof and --heap-prof write.
 */
export const answerBench = () => {
  const gc = (globalThis as { gc?: () => void }).gc
  let profiler: Session | null = null
  let loop: IntervalHistogram | null = null
  process.on('message', (m: { type: string; file?: string }) => {
    // A CPU profile of one stretch only (BENCH_PROFILE): what serving costs, not starting up.
    if (m.type === 'profile-start') {
      profiler = new Session()
      profiler.connect()
      profiler.post('Profiler.enable', () => profiler?.post('Profiler.start'))
    }
    if (m.type === 'profile-stop' && profiler && m.file) {
      const file = m.file
      profiler.post('Profiler.stop', (err, { profile }) => {
        if (!err) writeFileSync(file, JSON.stringify(profile))
        profiler?.disconnect()
        profiler = null
        process.send!({ type: 'profiled' })
      })
    }
    if (m.type === 'loop-start') {
      loop?.disable()
      loop = monitorEventLoopDelay({ resolution: 10 })
      loop.enable()
    }
    if (m.type === 'loop') {
      process.send!({
        type: 'loop',
        p99: (loop?.percentile(99) ?? 0) / 1e6,
        max: (loop?.max ?? 0) / 1e6,
      })
    }
    if (m.type === 'cpu') {
      const c = process.cpuUsage()
      process.send!({ type: 'cpu', cpu: (c.user + c.system) / 1000 })
    }
    if (m.type === 'rss') {
      gc?.()
      gc?.()
      const u = process.memoryUsage()
      process.send!({ type: 'rss', rss: u.rss, heap: u.heapUsed })
    }
  })
  process.on('SIGTERM', () => process.exit(0))
}
