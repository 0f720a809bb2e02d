/**
 * The verdict and every report, for the bundled server (its connection flows ready) and a broken
 * one (one root cause, its consequences folded under it); a canary token appears in none of them; accepted deviations and stale ones.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { gallery, GALLERY_TOKEN, type RunningServer } from '../servers/gallery.js';
import { runSuites, type SuiteRun } from '../support/run-suite.js';

const CONNECTION = ['suites/connection.spec.ts'];
let dir: string;
let broken: RunningServer;
let textPlain: RunningServer;
let reference: SuiteRun;
let failing: SuiteRun;
let accepting: SuiteRun;
let dotted: SuiteRun;

function server(name: string) {
  const entry = gallery.find((s) => s.name === name);
  if (entry === undefined) throw new Error(`no gallery server ${name}`);
  return entry.start();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimc-reports-'));
  [broken, textPlain] = await Promise.all([server('base-url-ends-with-users'), server('json-as-text-plain')]);
  const acceptFile = join(dir, 'accept.json');
  await writeFile(
    acceptFile,
    JSON.stringify({
      accept: [
        { code: 'CONTENT_TYPE_NOT_JSON', reason: 'our gateway labels JSON as text/plain; fix tracked as OPS-42' },
        { code: 'LIST_SCHEMAS', reason: 'was broken last quarter' },
        { code: 'NOT_A_CODE', reason: 'typo' },
      ],
    }),
  );
  [reference, failing, accepting, dotted] = await Promise.all([
    runSuites({ SCIM_REPORTS: 'all', SCIM_REPORT_DIR: join(dir, 'reference') }, CONNECTION),
    runSuites({ SCIM_BASE_URL: broken.baseUrl, SCIM_TOKEN: GALLERY_TOKEN, SCIM_REPORTS: 'all', SCIM_REPORT_DIR: join(dir, 'broken') }, CONNECTION),
    runSuites({ SCIM_BASE_URL: textPlain.baseUrl, SCIM_TOKEN: GALLERY_TOKEN, SCIM_ACCEPT_FILE: acceptFile }, CONNECTION),
    runSuites({ SCIM_REPORTS: 'har,junit', SCIM_REPORT_DIR: join(dir, 'dotted') }, [...CONNECTION, '--reporter=dot']),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([broken.close(), textPlain.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe('the verdict', () => {
  test('the bundled server, judged on the connection checks alone, has its connection flows ready and no client called ready', () => {
    const verdict = reference.stdout.slice(reference.stdout.lastIndexOf('\nVerdict\n'));
    expect(verdict).toMatch(
      /\n {2}Okta: connection and import groups ready; import users, provisioning and OIN submission not tested: not all its checks were in this run \(-t or a file filter\)\n/,
    );
    expect(verdict).toMatch(/\n {2}Entra ID: connection ready; provisioning and gallery submission not tested: /);
    // import groups may carry a GROUPS_ANSWER_QUICKLY warning on a loaded machine: it works either way.
    expect(verdict).toMatch(/\n {6}✓ Test Connector Configuration[,:]/);
    expect(verdict).toMatch(/\n {6}✓ [^\n]*import groups[^\n]*: works/);
    expect(verdict).not.toMatch(/: ready/);
  });

  test('a --reporter flag changes the listing, and the verdict and the reports stay', async () => {
    expect(dotted.stdout).toMatch(/Verdict\n {2}Okta: connection and import groups ready; /);
    expect(dotted.stdout.match(/^Verdict$/gm)).toHaveLength(1);
    expect((await readdir(join(dir, 'dotted'))).sort()).toEqual(['exchanges.har', 'junit.xml', 'results.json']);
  });

  test('a wrong Base URL is named first, and its consequences are only counted', () => {
    const verdict = failing.stdout.slice(failing.stdout.indexOf('Verdict'));
    expect(verdict).toMatch(/Okta: 1 blocker, \d+ findings that follow from it/);
    expect(verdict.split('\n')[2]).toMatch(/^ {4}✗ BASE_URL_ENDS_WITH_RESOURCE: Set the Base URL to http:\/\/127\.0\.0\.1:\d+\/scim\/v2 \(without \/Users\)\.$/);
    expect(verdict).toMatch(/… and \d+ more that follow from it: HTTP_STATUS/);
    expect(verdict).toMatch(/\n {6}✗ Test Connector Configuration(, [^:]+)?: breaks: BASE_URL_ENDS_WITH_RESOURCE\n/);
    expect(verdict).toMatch(/\n {6}– import users, [^\n]+: not tested: BASE_URL_ENDS_WITH_RESOURCE came first\n/);
  });
});

describe('the reports', () => {
  test('all five are written', async () => {
    expect((await readdir(join(dir, 'broken'))).sort()).toEqual(['exchanges.har', 'junit.xml', 'report.html', 'results.json', 'summary.md']);
  });

  test('each failing check carries its four-part message and curl in every report but the HAR', async () => {
    for (const file of ['junit.xml', 'report.html', 'results.json', 'summary.md']) {
      const text = await readFile(join(dir, 'broken', file), 'utf8');
      expect(text, file).toContain('HTTP_STATUS');
      expect(text, file).toMatch(/Got/);
      expect(text, file).toMatch(/Fix/);
      expect(text, file).toContain('curl -i');
    }
  });

  test('the job summary names the root cause once, folds the rest under it, and ticks no untested flow', async () => {
    const md = await readFile(join(dir, 'broken', 'summary.md'), 'utf8');
    expect(md).toMatch(/^\| ❌ \| Okta: 1 blocker, \d+ findings that follow from it \|$/m);
    expect(md.match(/^1\. `BASE_URL_ENDS_WITH_RESOURCE`/gm)).toHaveLength(3);
    expect(md).not.toMatch(/^1\. `HTTP_STATUS`/m);
    expect(md).toContain('| ❌ | Test Connector Configuration | breaks: BASE_URL_ENDS_WITH_RESOURCE: Set the Base URL to');
    expect(md.split('\n').filter((l) => l.startsWith('| ✅') && l.includes('not tested'))).toEqual([]);
  });

  test('the HAR holds every exchange, with the token replaced', async () => {
    const har = JSON.parse(await readFile(join(dir, 'broken', 'exchanges.har'), 'utf8')) as {
      log: { entries: Array<{ request: { headers: Array<{ name: string; value: string }> } }> };
    };
    expect(har.log.entries.length).toBeGreaterThanOrEqual(3);
    const auth = har.log.entries[0]?.request.headers.find((h) => h.name === 'authorization');
    expect(auth?.value).toBe('Bearer $SCIM_TOKEN');
  });

  test('the canary token appears in no output and no report', async () => {
    expect(failing.stdout + failing.stderr).not.toContain(GALLERY_TOKEN);
    for (const file of await readdir(join(dir, 'broken'))) {
      expect(await readFile(join(dir, 'broken', file), 'utf8'), file).not.toContain(GALLERY_TOKEN);
    }
  });
});

describe('accepted deviations', () => {
  test('an accepted finding does not fail the run and is reported with its reason', () => {
    expect(accepting.exitCode).toBe(0);
    expect(accepting.stdout).toContain('accepted: CONTENT_TYPE_NOT_JSON (×3): our gateway labels JSON as text/plain; fix tracked as OPS-42');
  });

  test('an entry that no longer matches anything is reported as stale', () => {
    expect(accepting.stdout).toContain('stale acceptance: LIST_SCHEMAS (the check now passes)');
    expect(accepting.stdout).toContain('stale acceptance: NOT_A_CODE (no check has this code)');
  });
});
