/**
 * `pnpm bench [name ...]` runs bench/<name>.bench.ts (all of them when none is named). Each exports
 * `run(): Promise<string>` returning markdown; its section of bench/RESULTS.md is replaced.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'

const dir = import.meta.dirname
const resultsFile = join(dir, 'RESULTS.md')
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort()
const wanted = process.argv.slice(2)
const unknown = wanted.filter((w) => !available.includes(w))
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`)
  process.exit(2)
}

const sectionRe = (name: string) => new RegExp(`## ${name}\\n[\\s\\S]*?(?=\\n## |$)`)

for (const name of wanted.length > 0 ? wanted : available) {
  console.log(`\n# ${name}`)
  const mod = (await import(join(dir, `${name}.bench.ts`))) as { run: () => Promise<string> }
  const body = await mod.run()
  console.log(body)
  const section = `## ${name}\n\n_${new Date().toISOString()}, ${cpus().length} cores, Node ${process.version}_\n\n${body.trim()}\n`
  let results = existsSync(resultsFile)
    ? readFileSync(resultsFile, 'utf8')
    : '# Benchmark results\n\nWritten by `pnpm bench`; each section is replaced when its benchmark runs.\n'
  results = sectionRe(name).test(results)
    ? results.replace(sectionRe(name), section)
    : `${results.trimEnd()}\n\n${section}`
  writeFileSync(resultsFile, results)
}
process.exit(0)
