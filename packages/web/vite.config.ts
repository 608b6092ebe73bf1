import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

// In `pnpm dev` the API runs on PORT (default 3000) and Vite proxies to it; SSE passes through.
const api = `http://localhost:${process.env.PORT ?? '3000'}`

/**
 * Writes `.br` and `.gz` beside every text asset at maximum compression, once at build time, so
 * the server sends them without compressing per request (packages/api/src/static.ts).
 */
const precompress = (): Plugin => ({
  name: 'messenger:precompress',
  apply: 'build',
  // After every other plugin has finished the files (e.g. Vite's preload markers are filled in).
  writeBundle(options, bundle) {
    const dir = options.dir ?? 'dist'
    for (const fileName of Object.keys(bundle)) {
      if (!/\.(js|css|html|svg|json)$/.test(fileName)) continue
      const path = join(dir, fileName)
      const source = readFileSync(path)
      if (source.length < 1024) continue
      writeFileSync(
        `${path}.br`,
        brotliCompressSync(source, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
          },
        }),
      )
      writeFileSync(`${path}.gz`, gzipSync(source, { level: 9 }))
    }
  },
})

export default defineConfig({
  plugins: [react(), precompress()],
  server: {
    proxy: { '/trpc': api, '/api': api },
  },
})
