/**
 * Bundles a bench entry (a server under test) the way packages/api/scripts/build.ts bundles the
 * production server, so the bench measures the code production runs: tsx keeps every function's
 * name as an own property (esbuild's keepNames), 256 bytes more per closure, which alone was a
 * quarter of an idle stream's heap.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const api = join(import.meta.dirname, '../packages/api')
type Build = (options: Record<string, unknown>) => Promise<unknown>
// The api package's own esbuild (the one its build script uses; the root has none).
const { build } = createRequire(join(api, 'package.json'))('esbuild') as { build: Build }

/** Writes packages/api/dist/<name>.js (dist/ is not checked in) and returns its path. */
export const bundleForNode = async (entry: string, name: string) => {
  const pkg = JSON.parse(readFileSync(join(api, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>
  }
  const outfile = join(api, 'dist', `${name}.js`)
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: Object.keys(pkg.dependencies)
      .filter((n) => !n.startsWith('@messenger/'))
      .flatMap((n) => [n, `${n}/*`]),
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  })
  return outfile
}
