/** A wrong setting stops `npx vitest run` at once with one sentence saying what to set. */
import { describe, expect, test } from 'vitest';
import { runSuites } from '../support/run-suite.js';

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
