/**
 * Builds the web client when dist is missing or older than its sources, so `pnpm start` always
 * serves the current client without rebuilding on every start.
 */
import { readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const webDir = resolve(fileURLToPath(new URL('..', import.meta.url)))
const builtMarker = join(webDir, 'dist', 'index.html')
const sources = [
  join(webDir, 'src'),
  join(webDir, 'index.html'),
  join(webDir, 'public'),
  join(webDir, 'vite.config.ts'),
  join(webDir, 'package.json'),
  join(webDir, '..', 'shared', 'src'),
]

const newestMtime = (path: string): number => {
  const s = statSync(path, { throwIfNoEntry: false })
  if (!s) return 0
  if (!s.isDirectory()) return s.mtimeMs
  let newest = s.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

/** True when a build ran. */
export const ensureBuilt = async (): Promise<boolean> => {
  const built = statSync(builtMarker, { throwIfNoEntry: false })?.mtimeMs ?? 0
  const source = Math.max(...sources.map(newestMtime))
  if (built > source) return false
  console.log(built === 0 ? 'Building the web client…' : 'Web client sources changed; rebuilding…')
  // Tests run this with NODE_ENV=test, which would make Vite bundle React's development build.
  process.env.NODE_ENV = 'production'
  await build({ root: webDir, mode: 'production', logLevel: 'warn' })
  return true
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await ensureBuilt()
}
