/**
 * `npx vitest run`: the conformance suites, against SCIM_BASE_URL or, when it is unset, the bundled
 * reference server. Our own tests have their own config (test/vitest.config.ts, `npm test`).
 */
import 'dotenv/config';
import { defineConfig } from 'vitest/config';
import { ConfigError, loadConfig } from './src/config.js';

try {
  loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // One sentence that says what to set; a stack trace would bury it.
  console.error(`scim-conformance: ${error.message}`);
  process.exit(2);
}

export default defineConfig({
  test: {
    include: ['suites/**/*.spec.ts'],
    globalSetup: ['src/suite/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // A failed check's message is its diagnosis; frames pointing into our code would only be noise.
    onStackTrace: (error) => error.name !== 'ConformanceFailure',
  },
});
