/** A wrong setting stops `npx vitest run` at once with one sentence saying what to set. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sleep } from '../../src/http/limiter.js';
import { runVitestInProcess } from '../support/in-process.js';
import { PROJECT_ROOT, runSuites, runSuitesInChild, SUITE_CONFIG, userEnv } from '../support/run-suite.js';

/** Where Vite keeps its temporary copy of a config while it loads it. */
const VITE_TEMP = join(PROJECT_ROOT, 'node_modules', '.vite-temp');
const viteTempFiles = () =>
  new Set(
    readdirSync(VITE_TEMP, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name),
  );

describe.concurrent('a malformed setting', () => {
  test.for([
    [{ SCIM_BASE_URL: 'not a url' }, 'SCIM_BASE_URL "not a url" is not a URL'],
    [{ SCIM_TIMEOUT_MS: 'soon' }, 'SCIM_TIMEOUT_MS must be a positive whole number, not "soon".'],
    [{ SCIM_PROFILE: 'google' }, 'SCIM_PROFILE must be okta, entra, rfc or a comma list of them, not "google".'],
    [{ SCIM_REPORTS: 'pdf' }, 'SCIM_REPORTS must be "all" or a comma list of'],
    [{ SCIM_BASE_URL: '' }, 'SCIM_BASE_URL is set but empty: set it to the SCIM root'],
    [{ SCIM_BASE_URL: 'https://user:hunter2@staging.example.com/scim?api_key=hunter2' }, 'SCIM_BASE_URL must not contain a user name or password'],
  ] as const)('%o stops the run with one sentence and no stack trace', async ([env, sentence]) => {
    const run = await runSuites(env);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`scim-conformance: ${sentence}`);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.tests).toEqual([]);
    expect(run.stderr).not.toContain('hunter2');
  });
});

test('in CI, a run without SCIM_BASE_URL stops instead of testing the bundled server', async () => {
  // userEnv: CI=true, and no SCIM_* variable at all, as in a CI job whose variable was never set.
  const env = userEnv();
  expect(env['CI']).toBe('true');
  // In this process (runSuites would ask for the bundled server by name): the config's process.exit(2) ends the run.
  const run = await runVitestInProcess(PROJECT_ROOT, SUITE_CONFIG, env, []);
  expect(run.exitCode).toBe(2);
  expect(run.stderr.trim()).toBe(
    'scim-conformance: SCIM_BASE_URL is not set, and this is a CI run (CI is set): set it to the SCIM root your identity provider is given, e.g. SCIM_BASE_URL=https://api.example.com/scim/v2, or to bundled for the bundled reference server.',
  );
  expect(run.stdout).not.toContain('testing the bundled reference server');
});

test('a run stopped by a wrong setting leaves no file behind', async () => {
  const before = viteTempFiles();
  // A real process: what its exit leaves behind is under test.
  await runSuitesInChild({ SCIM_TIMEOUT_MS: 'soon' });
  // Other runs of our tests load the config too; their copies are gone a moment later.
  let left: string[] = [];
  for (let wait = 0; wait < 50; wait++) {
    left = [...viteTempFiles()].filter((name) => !before.has(name));
    if (left.length === 0) break;
    await sleep(100);
  }
  expect(left).toEqual([]);
});
