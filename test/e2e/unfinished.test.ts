/**
 * A run in which something stopped on an error instead of a finding is never called ready: Vitest
 * runs three small spec files through our reporter (in this process: test/support/in-process.ts). One check throws (as a fault of ours would),
 * one spec file cannot load (as when the run's main process is gone), one check passes. Nor is a
 * run in which no check ran at all, or one cut short by --bail.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { gallery, GALLERY_TOKEN, type RunningServer } from '../servers/gallery.js';
import { NO_CHECK_RAN } from '../../src/report/run-end.js';
import { runVitestInProcess } from '../support/in-process.js';
import { lastLine, PROJECT_ROOT, runSuites, userEnv, type SuiteRun } from '../support/run-suite.js';

const SPECS: Record<string, string> = {
  // As src/suite/spec.ts does: the rule's code is set before the check is evaluated.
  'throws.spec.js': `test('a check that throws [USER_REACTIVATE_PATCH]', (context) => {
  context.task.meta.code = 'USER_REACTIVATE_PATCH';
  throw new TypeError("Cannot read properties of undefined (reading 'value')");
});\n`,
  'cannot-load.spec.js': `throw new Error('scim-conformance: the run\\'s main process cannot be reached');\n`,
  'passes.spec.js': `test('a check that passes [LIST_SCHEMAS]', (context) => { context.task.meta.code = 'LIST_SCHEMAS'; });\n`,
};

let dir: string;
let run: { exitCode: number; output: string };
let noneSelected: SuiteRun;
let bailed: SuiteRun;
let broken: RunningServer | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimc-unfinished-'));
  await Promise.all(Object.entries(SPECS).map(([name, text]) => writeFile(join(dir, name), text)));
  // Vitest's globals: a file outside the project cannot import vitest.
  const test = { include: ['*.spec.js'], globals: true, reporters: [join(PROJECT_ROOT, 'src/report/reporter.ts')] };
  await writeFile(join(dir, 'vitest.config.mjs'), `export default ${JSON.stringify({ test })};\n`);
  const selecting = runSuites({}, ['-t', 'NO_SUCH_CHECK']);
  broken = await gallery.find((server) => server.name === 'numbers-as-strings')?.start();
  if (broken === undefined) throw new Error('no gallery server numbers-as-strings');
  const bailing = runSuites({ SCIM_BASE_URL: broken.baseUrl, SCIM_TOKEN: GALLERY_TOKEN }, ['--bail', '1']);
  const small = await runVitestInProcess(dir, join(dir, 'vitest.config.mjs'), userEnv(), []);
  run = { exitCode: small.exitCode ?? -1, output: small.stdout + small.stderr };
  [noneSelected, bailed] = await Promise.all([selecting, bailing]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await broken?.close();
});

describe('a run where a check threw and a spec file could not load', () => {
  test('calls no client ready', () => {
    expect(run.output).toContain('Verdict');
    expect(run.output).not.toMatch(/: ready/);
    for (const client of ['Okta', 'Entra ID', 'RFC 7643/7644']) expect(run.output).toMatch(new RegExp(`${client}: not known \\(\\d stopped on an error\\)`));
  });

  test('names the check and the spec file, each with its error', () => {
    expect(run.output).toContain("? USER_REACTIVATE_PATCH: TypeError: Cannot read properties of undefined (reading 'value')");
    expect(run.output).toContain("? cannot-load.spec.js: scim-conformance: the run's main process cannot be reached");
    expect(run.output).toContain('Please report it');
  });

  test('exits non-zero', () => {
    expect(run.exitCode).toBe(1);
  });
});

describe('a run in which a -t filter selected no check (the bundled server)', () => {
  test('calls no client ready, and says why every check was skipped', () => {
    expect(noneSelected.stdout).not.toMatch(/: ready/);
    expect(noneSelected.stdout).toContain('Okta: not known (no check of it ran)');
    expect(noneSelected.stdout).toMatch(/\d+ not selected in this run \(-t or a file filter\)/);
  });

  test('exits non-zero, with one sentence as the last line', () => {
    expect(noneSelected.exitCode).toBe(1);
    expect(lastLine(noneSelected)).toBe(NO_CHECK_RAN);
  });
});

describe('a run cut short by --bail 1 on a server with paging numbers as strings', () => {
  // Vitest may cancel the spec file whose check set off --bail before that check is reported (its
  // own summary then shows no failure either), so the blocker is not always named; the rest holds.
  test('calls no client ready, says the run stopped early, and exits non-zero', () => {
    expect(bailed.exitCode).toBe(1);
    expect(bailed.stdout).not.toMatch(/: ready/);
    expect(bailed.stdout).toContain('the run stopped early (--bail, or cancelled): checks that did not run are not in this verdict');
  });
});
