export { createApp } from './app'
export { createDeps, closeDeps, type Deps } from './deps'
export { loadConfig, type Config } from './env'
export type { AppRouter, RouterInputs, RouterOutputs } from './root'
