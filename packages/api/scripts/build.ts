/**
 * Bundles the server (with the workspace packages it imports) into dist/server.js, so production
 * runs plain JavaScript with production dependencies only: no tsx, no TypeScript at run time.
 * The npm packages stay external and are resolved from packages/api/node_modules, which is why
 * package.json lists every one the server imports, those of db and images included.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as {
  dependencies: Record<string, string>
}
const external = Object.keys(pkg.dependencies)
  .filter((name) => !name.startsWith('@messenger/'))
  .flatMap((name) => [name, `${name}/*`])

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/server.ts'],
  outfile: 'dist/server.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
})

// Anything bare that was bundled came from a workspace package's own dependency that the server
// does not declare: declare it in package.json, so it is installed in production too.
const bundled = Object.keys(result.metafile.inputs).filter(
  (input) => input.includes('node_modules/') && !input.includes('/@messenger/'),
)
if (bundled.length > 0) {
  console.error(`Declare these in packages/api/package.json:\n  ${bundled.join('\n  ')}`)
  process.exit(1)
}
