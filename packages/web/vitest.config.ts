import { defineProject } from 'vitest/config'

// Component and unit tests run in jsdom; e2e/*.test.ts switch to node with a docblock.
export default defineProject({
  test: {
    name: 'web',
    environment: 'jsdom',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    include: ['src/**/*.test.{ts,tsx}', 'e2e/**/*.test.ts'],
  },
})
