import { defineConfig } from 'vitest/config';

// Four projects, one after the other: unit files two at a time, then e2e files (one worker,
// vitest's default on 2 cores); the tests against the real services run one file at a time,
// after them, because some of them stop and restart a shared
// service (Jaeger, Elasticsearch) to prove that nothing is lost across an outage; the fault
// matrix runs last.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      // Unit test files share their worker processes (isolate: false): each file no longer
      // loads the modules and starts a process of its own, which cut the project from 136 s to
      // 40 s (38 s to 15 s of CPU) on the loaded 2-core machine; and two workers, not vitest's
      // default of one on 2 cores, overlap one file's waiting with another's work (70 s -> 46 s
      // under load); docs/decisions.md. The setup file undoes what a test may leave behind
      // globally (fake timers).
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          isolate: false,
          maxWorkers: 2,
          setupFiles: ['test/helpers/load-components.ts', 'test/helpers/unit-setup.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      // e2e tests start daemons and CLI processes: on a loaded 2-core machine one start took
      // more than 15 s, so a test of a few starts needs more than the default 30 s.
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 90_000, setupFiles: ['test/helpers/load-components.ts'], sequence: { groupOrder: 1 } } },
      // The fault matrix (test/faults): the real daemon killed, reloaded, its disk filled. One
      // file at a time, after everything else (they load the machine at 10,000 records/s);
      // cases that stop real services are in test/faults/services/ and run with the
      // services, under their lock.
      {
        test: {
          name: 'faults',
          include: ['test/faults/*.test.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 120_000,
          setupFiles: ['test/helpers/load-components.ts'],
          sequence: { groupOrder: 3 },
        },
      },
      {
        test: {
          name: 'services',
          include: ['test/services/**/*.test.ts', 'test/faults/services/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          setupFiles: ['test/helpers/load-components.ts'],
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
