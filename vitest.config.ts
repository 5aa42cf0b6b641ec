import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    globalSetup: ['__tests__/helpers/global-setup.ts'],
    // Integration tests start real registries and Helm processes. These bounds
    // are hang guards, not speed claims: a hung child fails the run instead of
    // stalling CI, and a 2-core runner shared with other work (a load of 20 was
    // seen) still passes. No test asserts how long anything takes.
    testTimeout: 600_000,
    hookTimeout: 900_000,
    pool: 'forks',
    // Code that hands a folder to the post step writes the job's GITHUB_ENV
    // (src/post-marker.ts): never the CI job's; tests that check it set one.
    env: { GITHUB_ENV: '' },
    maxWorkers: 2
  }
})
