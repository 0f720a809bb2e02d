/**
 * `npx vitest run` against each deliberately broken server: it exits non-zero, names the cause with
 * its finding code, and its rendered diagnosis (pinned) says what came back, what is required, the
 * fix, and a curl to reproduce it. The token never appears in the output.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderFinding } from '../../src/diagnose/render.js';
import { gallery, GALLERY_TOKEN, unusable, type RunningServer } from '../servers/gallery.js';
import { normalise, runSuites, type SuiteRun } from '../support/run-suite.js';

const runs = new Map<string, SuiteRun>();
const servers: RunningServer[] = [];

beforeAll(async () => {
  // Two at a time: each run is a whole Vitest process, and the machine has two cores.
  const queue = [...gallery, ...unusable];
  const worker = async () => {
    for (let broken = queue.shift(); broken !== undefined; broken = queue.shift()) {
      const server = await broken.start();
      servers.push(server);
      runs.set(broken.name, await runSuites({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: GALLERY_TOKEN }));
      await server.close();
    }
  };
  await Promise.all([worker(), worker()]);
}, 300_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

function runOf(name: string): SuiteRun {
  const run = runs.get(name);
  if (run === undefined) throw new Error(`no run recorded for ${name}`);
  return run;
}

describe.each(gallery)('a server with "$cause"', (broken) => {
  test(`fails with ${broken.expected.join(' and ')}`, () => {
    const run = runOf(broken.name);
    expect(run.exitCode).not.toBe(0);
    for (const code of broken.expected) expect(run.failedCodes).toContain(code);
  });

  test('names the cause first, before its consequences', () => {
    expect(runOf(broken.name).failedCodes[0]).toBe(broken.expected[0]);
  });

  test('prints a diagnosis with the fix and a curl that reproduces it', () => {
    const run = runOf(broken.name);
    const finding = run.findings.find((f) => f.code === broken.expected[0]);
    expect(finding).toBeDefined();
    expect(run.stdout).toContain(`${broken.expected[0]} (`);
    expect(run.stdout).toContain('Fix:');
    expect(run.stdout).toMatch(/Reproduce: curl -i|Got: {7}The Base URL/);
  });

  test('never prints the token', () => {
    const run = runOf(broken.name);
    expect(run.stdout + run.stderr).not.toContain(GALLERY_TOKEN);
  });
});

describe.each(unusable)('a server where $cause', (broken) => {
  test('stops at the preflight with one clear line and skips the rest', () => {
    const run = runOf(broken.name);
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toMatch(broken.summary);
    const failed = run.tests.filter((t) => t.status === 'failed');
    expect(failed.map((t) => t.name)).toEqual([expect.stringContaining('[PREFLIGHT]')]);
    expect(run.tests.filter((t) => t.status === 'passed')).toEqual([]);
  });

  test('prints no stack trace and never the token', () => {
    const run = runOf(broken.name);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(run.stdout + run.stderr).not.toContain(GALLERY_TOKEN);
  });
});

describe('rendered diagnoses', () => {
  const rendered = (name: string, code: string) => {
    const finding = runOf(name).findings.find((f) => f.code === code);
    return finding === undefined ? `no ${code} finding` : normalise(renderFinding(finding));
  };

  test('an empty body says to answer with a full ListResponse', () => {
    expect(rendered('empty-body', 'HTTP_BODY_EMPTY')).toMatchInlineSnapshot();
  });

  test('null says to wrap the results in a ListResponse', () => {
    expect(rendered('null-body', 'LIST_NOT_AN_OBJECT')).toMatchInlineSnapshot();
  });

  test('a Base URL ending in /Users says which Base URL to use', () => {
    expect(rendered('base-url-ends-with-users', 'BASE_URL_ENDS_WITH_RESOURCE')).toMatchInlineSnapshot();
  });

  test('a site root says that something other than the SCIM server answered', () => {
    expect(rendered('site-root', 'HTTP_HTML_PAGE')).toMatchInlineSnapshot();
  });

  test('a dropped query string is told apart from an ignored filter', () => {
    expect(rendered('query-string-dropped', 'FILTER_UNKNOWN_USER_EMPTY')).toMatchInlineSnapshot();
    expect(rendered('filter-ignored', 'FILTER_UNKNOWN_USER_EMPTY')).toMatchInlineSnapshot();
  });

  test('numbers as strings name the member and its value', () => {
    expect(rendered('numbers-as-strings', 'LIST_PAGING_NUMBERS')).toMatchInlineSnapshot();
  });

  test('a login redirect says where it went', () => {
    expect(rendered('login-redirect', 'HTTP_REDIRECT')).toMatchInlineSnapshot();
  });

  test('a wrong Content-Type names the header to send', () => {
    expect(rendered('json-as-text-plain', 'CONTENT_TYPE_NOT_JSON')).toMatchInlineSnapshot();
  });
});
