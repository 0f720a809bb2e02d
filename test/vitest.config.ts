/** `npm test`: our own tests (checks on recorded exchanges, the reference server, the broken-server gallery). */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    // Suite runs inside a test file take turns (test/support/in-process.ts): a second worker keeps
    // the second core busy with another file (Vitest's default, one fewer than the cores, is one).
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    expect: { requireAssertions: true },
  },
});
