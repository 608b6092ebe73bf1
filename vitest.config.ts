import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Each package's vitest.config.ts sets its own timeouts: projects do not inherit these.
    projects: ['packages/*'],
  },
})
