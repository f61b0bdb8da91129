// Browser journeys: the real server (embedded PostgreSQL, demo organisation) and Debian's Chromium.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 240_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    fileParallelism: false,
    maxWorkers: 1,
    environment: 'node',
    // A journey step that fails on a transient browser or load hiccup gets one more try in CI.
    retry: process.env.CI ? 1 : 0,
  },
});
