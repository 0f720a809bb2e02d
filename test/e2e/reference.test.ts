/** A newcomer's first run: `npx vitest run` with nothing configured tests the bundled reference server. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runSuites, type SuiteRun } from '../support/run-suite.js';

let run: SuiteRun;
let reportDir: string;
let har: {
  log: { entries: Array<{ _sentBy?: string; request: { method: string; url: string; headers: Array<{ name: string; value: string }> }; response: { status: number } }> };
};

beforeAll(async () => {
  reportDir = await mkdtemp(join(tmpdir(), 'scimc-reference-'));
  run = await runSuites({ SCIM_REPORTS: 'har', SCIM_REPORT_DIR: reportDir });
  har = JSON.parse(await readFile(join(reportDir, 'exchanges.har'), 'utf8')) as typeof har;
}, 120_000);

afterAll(async () => {
  await rm(reportDir, { recursive: true, force: true });
});

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

  test('fewer requests than checks, and no read sent twice for the same answer by two spec files', () => {
    const checks = run.tests.filter((t) => t.status === 'passed' || t.status === 'failed').length;
    // Safety's own reads aside: the write guard reads each created resource back before writing
    // to it, and the cleanup reads it once more after deleting it, to know it is gone.
    const created = har.log.entries.filter((e) => e.request.method === 'POST' && e.response.status === 201 && /\/(Users|Groups)$/.test(e.request.url)).length;
    expect(created).toBeGreaterThan(0);
    expect(har.log.entries.length - 2 * created).toBeLessThan(checks);
    const senders = new Map<string, Set<string>>();
    for (const { _sentBy, request } of har.log.entries) {
      if (request.method !== 'GET') continue;
      // The headers that change the answer: conditions, and what it is asked to be (HTTP_ACCEPT_APPLICATION_JSON).
      const key = `${request.url} ${JSON.stringify(request.headers.filter((h) => h.name.startsWith('if-') || h.name === 'accept'))}`;
      senders.set(key, (senders.get(key) ?? new Set()).add(_sentBy ?? '?'));
    }
    expect([...senders].filter(([, by]) => by.size > 1).map(([key, by]) => `${key}: ${[...by].join(', ')}`)).toEqual([]);
  });
});
