/**
 * `pnpm dev`: the API server (restarting on change) and Vite with hot reload, which proxies /trpc
 * and /api to it. Open the address Vite prints.
 */
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServer } from 'vite'

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const webDir = resolve(root, 'packages/web')
const apiPort = process.env.PORT ?? '3000'

const api = spawn(process.execPath, ['--import', 'tsx', '--watch', 'packages/api/src/server.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PORT: apiPort },
})

const vite = await createServer({ root: webDir })
await vite.listen()
vite.printUrls()

const stop = () => {
  api.kill('SIGTERM')
  void vite.close().finally(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
api.on('exit', (code) => {
  if (code !== null && code !== 0) console.error(`API server exited with code ${code}`)
})
