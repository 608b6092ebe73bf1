/**
 * What a server under test answers its bench over IPC (bench/processes.ts): `{ type: 'cpu' }` with
 * the CPU time it has used (ms), `{ type: 'rss' }` with its RSS and heap after a full GC (when
 * started with --expose-gc). Exits normally on SIGTERM, so --cpu-prof and --heap-prof write.
 */
export const answerBench = () => {
  const gc = (globalThis as { gc?: () => void }).gc
  process.on('message', (m: { type: string }) => {
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
