/**
 * Bundles the server (with the workspace packages it imports) into dist/server.js, so production
 * runs plain JavaScript with production dependencies only: no tsx, no TypeScript at run time.
 * The api package's own dependencies stay external and are installed beside it (`pnpm deploy
 * --prod`); native ones (sharp, argon2) must be among them. Any other package a workspace package
 * imports is plain JavaScript and goes into the bundle (esbuild fails on a native one).
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

await build({
  absWorkingDir: root,
  entryPoints: ['src/server.ts'],
  outfile: 'dist/server.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  sourcemap: true,
  // Bundled CommonJS code may require() Node's built-ins, which an ES module has no require for.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'warning',
})
