import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    globalSetup: ['__tests__/helpers/global-setup.ts'],
    // Integration tests start real registries and Helm processes: give them room,
    // but keep a bound so a hung child fails the run instead of stalling CI.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2
  }
})
