import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Loopback servers and SQLite files make tests I/O-bound; forks keep native sqlite3 isolated per file.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    env: { CAIXUN_ALLOW_PRIVATE_HOSTS: 'true', LOG_LEVEL: 'silent' },
  },
});
