import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start git servers, crontabs and daemons: give them room on a busy 2-core
    // machine (a bound that fails loudly, not a wait: each test waits for what it observes).
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: '.factoryctl/test-results.json' },
    globalSetup: ['test/support/global-setup.ts'],
  },
});
