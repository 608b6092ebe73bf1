import { defineProject } from 'vitest/config'

// `pnpm test:deploy` (after `pnpm build`): nginx, server processes and the Dockerfile's steps.
export default defineProject({
  test: {
    name: 'deploy',
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Each file starts servers of its own; one at a time keeps a 2-core machine responsive.
    fileParallelism: false,
  },
})
