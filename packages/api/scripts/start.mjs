// `pnpm start`: runs the built server in this very process, so signals reach it directly (the
// script is `exec node …`, and pnpm passes SIGTERM and SIGINT on to its child). Outside
// production it first builds what is missing or older than its sources; production never builds.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const packages = fileURLToPath(new URL('../..', import.meta.url))
const server = join(packages, 'api/dist/server.js')
const client = join(packages, 'web/dist/index.html')

/** @param {string} path @returns {number} */
const newest = (path) => {
  const s = statSync(path, { throwIfNoEntry: false })
  if (!s) return 0
  if (!s.isDirectory()) return s.mtimeMs
  return readdirSync(path).reduce((m, entry) => Math.max(m, newest(join(path, entry))), s.mtimeMs)
}
/** @param {string} path */
const builtAt = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0

const built = Math.min(builtAt(server), builtAt(client))
if (process.env.NODE_ENV === 'production') {
  if (built === 0) {
    console.error(
      'messenger: not built: run `pnpm build` before starting with NODE_ENV=production.',
    )
    process.exit(1)
  }
} else {
  const sources = ['api', 'db', 'images', 'shared', 'web'].flatMap((p) => [
    join(packages, p, 'src'),
    join(packages, p, 'package.json'),
  ])
  sources.push(join(packages, 'db/migrations'), join(packages, 'web/index.html'))
  if (built < Math.max(...sources.map(newest))) {
    console.log(built === 0 ? 'Building…' : 'Sources changed; rebuilding…')
    const build = spawnSync('pnpm', ['run', 'build'], { stdio: 'inherit' })
    if (build.status !== 0) process.exit(build.status ?? 1)
  }
}
await import(pathToFileURL(server).href)
