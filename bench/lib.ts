import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { sql, type Kysely } from 'kysely'
import type { Database } from '@messenger/db'

/** Value at quantile q (0..1) of the samples, nearest-rank. */
export const quantile = (samples: readonly number[], q: number) => {
  if (samples.length === 0) return NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i]!
}
export const median = (samples: readonly number[]) => quantile(samples, 0.5)

export const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : String(n))

/** Milliseconds each call of fn takes, `n` times after `warmup` untimed calls. */
export const timeEach = async (n: number, fn: (i: number) => Promise<unknown>, warmup = 3) => {
  for (let i = 0; i < warmup; i++) await fn(i)
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await fn(i)
    out.push(performance.now() - t0)
  }
  return out
}

/** Runs `workers` loops concurrently for `ms` milliseconds; returns completed calls per second. */
export const throughput = async (workers: number, ms: number, fn: () => Promise<unknown>) => {
  let done = 0
  const end = performance.now() + ms
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < end) {
        await fn()
        done++
      }
    }),
  )
  return (done * 1000) / ms
}

/** A markdown table from a header row and body rows. */
export const table = (header: string[], rows: (string | number)[][]) =>
  [header, header.map(() => '---'), ...rows.map((r) => r.map(String))]
    .map((r) => `| ${r.join(' | ')} |`)
    .join('\n')

/** A worker thread running a TypeScript file (workers do not inherit tsx's loader). */
export const tsWorker = async (file: URL, workerData: unknown) => {
  const { Worker } = await import('node:worker_threads')
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(file.href)}) })`
  return new Worker(boot, { eval: true, workerData })
}

/**
 * A reader of the CPU time (ms) the MariaDB server behind `db` has used so far, from /proc, or of
 * null when it is not a process of this machine that we may read: what a benchmark's database work
 * costs beside the server's own CPU. The server is found by its own pid file, so a second MariaDB
 * on another port (TEST_DATABASE_SERVER) is measured, not whichever runs first.
 */
export const mariadbCpu = async (db: Kysely<Database>): Promise<() => number | null> => {
  let pid: string | null = null
  try {
    const r = await sql<{ f: string }>`SELECT @@pid_file AS f`.execute(db)
    pid = readFileSync(r.rows[0]!.f, 'utf8').trim()
  } catch {
    // Not readable here (another machine, another user): no figure.
  }
  return () => {
    if (pid === null) return null
    try {
      // utime and stime, in clock ticks (100 per second on Linux), after the command's name.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      return (Number(fields[11]) + Number(fields[12])) * 10
    } catch {
      return null
    }
  }
}
