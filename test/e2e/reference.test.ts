/** A newcomer's first run: `npx vitest run` with nothing configured tests the bundled reference server. */
import { beforeAll, describe, expect, test } from 'vitest';
import { runSuites, type SuiteRun } from '../support/run-suite.js';

let run: SuiteRun;

beforeAll(async () => {
  run = await runSuites({});
}, 120_000);

describe('npx vitest run with no SCIM_BASE_URL', () => {
  test('says that it tests the bundled reference server', () => {
    expect(run.stdout).toMatch(/testing the bundled reference server at http:\/\/127\.0\.0\.1:\d+\/scim\/v2/);
  });

  test('passes every check', () => {
    expect(run.tests.filter((t) => t.status === 'failed').map((t) => `${t.name}\n${t.failureMessages.join('\n')}`)).toEqual([]);
    expect(run.exitCode).toBe(0);
  });

  test('runs the connection checks rather than skipping them', () => {
    const passed = run.tests.filter((t) => t.status === 'passed').map((t) => t.code);
    for (const code of ['PREFLIGHT', 'LIST_RESOURCES_PRESENT', 'FILTER_UNKNOWN_USER_EMPTY', 'LIST_PAGING_NUMBERS', 'OKTA_USER_ATTRIBUTES']) {
      expect(passed.includes(code) || run.tests.some((t) => t.status === 'passed' && t.name.includes(`[${code}]`))).toBe(true);
    }
  });
});
