// Runs before every unit test file. The unit project shares its workers between files
// (isolate: false, see vitest.config.ts), so nothing a test changes globally may outlive it.
import { afterEach, vi } from 'vitest';

afterEach(() => {
  vi.useRealTimers();
});
