/** A wrong setting stops `npx vitest run` at once with one sentence saying what to set. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sleep } from '../../src/http/limiter.js';
import { PROJECT_ROOT, runSuites } from '../support/run-suite.js';

/** Where Vite keeps its temporary copy of a config while it loads it. */
const VITE_TEMP = join(PROJECT_ROOT, 'node_modules', '.vite-temp');
const viteTempFiles = () => new Set(readdirSync(VITE_TEMP, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name));

describe.concurrent('a malformed setting', () => {
  test.for([
    [{ SCIM_BASE_URL: 'not a url' }, 'SCIM_BASE_URL "not a url" is not a URL'],
    [{ SCIM_TIMEOUT_MS: 'soon' }, 'SCIM_TIMEOUT_MS must be a positive whole number, not "soon".'],
    [{ SCIM_PROFILE: 'google' }, 'SCIM_PROFILE must be okta, entra, rfc or a comma list of them, not "google".'],
    [{ SCIM_REPORTS: 'pdf' }, 'SCIM_REPORTS must be "all" or a comma list of'],
  ] as const)('%o stops the run with one sentence and no stack trace', async ([env, sentence]) => {
    const run = await runSuites(env);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`scim-conformance: ${sentence}`);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.tests).toEqual([]);
  });
});

test('a run stopped by a wrong setting leaves no file behind', async () => {
  const before = viteTempFiles();
  await runSuites({ SCIM_TIMEOUT_MS: 'soon' });
  // Other runs of our tests load the config too; their copies are gone a moment later.
  let left: string[] = [];
  for (let wait = 0; wait < 50; wait++) {
    left = [...viteTempFiles()].filter((name) => !before.has(name));
    if (left.length === 0) break;
    await sleep(100);
  }
  expect(left).toEqual([]);
});
