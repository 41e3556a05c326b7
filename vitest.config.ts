import { defineConfig } from 'vitest/config';

// Three projects: unit and e2e files run in parallel; the tests against the real services
// run one file at a time, after the others, because some of them stop and restart a
// shared service (Jaeger, Elasticsearch) to prove that nothing is lost across an outage.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      {
        test: {
          name: 'services',
          include: ['test/services/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
