// The image's smoke step: every package the server bundle imports resolves from where the bundle
// lies, and the native parts (sharp's libvips, the Argon2 binding) load and work on this libc.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const manifest = new URL('../packages/api/package.json', import.meta.url)
const bundle = new URL('../packages/api/dist/server.js', import.meta.url)
const pkg = /** @type {{ dependencies: Record<string, string> }} */ (
  JSON.parse(readFileSync(manifest, 'utf8'))
)
const require = createRequire(bundle)
for (const name of Object.keys(pkg.dependencies)) {
  if (!name.startsWith('@messenger/')) require.resolve(name)
}

/** @typedef {{ webp: () => { toBuffer: () => Promise<Buffer> } }} Pipeline */
const { default: sharp } =
  /** @type {{ default: ((options: object) => Pipeline) & { versions: { vips: string } } }} */ (
    await import(require.resolve('sharp'))
  )
const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
  .webp()
  .toBuffer()
const { hash } = /** @type {{ hash: (password: string, options: object) => Promise<string> }} */ (
  await import(require.resolve('@node-rs/argon2'))
)
const digest = await hash('smoke', { memoryCost: 1024, timeCost: 1 })
if (webp.length === 0 || !digest.startsWith('$argon2')) throw new Error('smoke step failed')
console.log(`smoke: sharp with libvips ${sharp.versions.vips} and argon2 work`)
