import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Tests start real servers and open real SQLite files; two cores are plenty for a few forks.
    pool: 'forks',
    // One PostgreSQL server for the run (or CPR_TEST_POSTGRES_URL's); each test file makes a database of its own.
    globalSetup: ['test/support/postgres-global-setup.ts'],
  },
});
