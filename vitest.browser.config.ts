import { defineConfig } from 'vitest/config';

/** `npm run test:browser`: the dashboard in a real Chromium (`/usr/bin/chromium`, `apt-get install chromium`), apart from `npm test`. */
export default defineConfig({
  test: {
    include: ['test-browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
