/**
 * The JUnit file carries what CI test tabs show: a skip's reason (Jenkins shows `<skipped message>`,
 * GitLab the element's text) and a warning in `<system-out>` (a `<property>` alone shows nowhere).
 * Vitest's own JUnit reporter, given the same tests, is the control that shows what was missing.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunnerTask } from 'vitest';
import { JUnitReporter, type TestModule, type Vitest } from 'vitest/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import ConformanceJUnitReporter, { xmlText } from '../../src/report/junit.js';

const SKIP_REASON = 'not run: Cannot reach http://127.0.0.1:1/scim/v2: connection refused.';
const WARNING = 'SHOULD: the ETag is weak\n  got: W/"1"\n  fix: send a strong ETag';

/** A spec file as Vitest's runner leaves it: one passed check with a warning, one skipped with a reason, one passed. */
function fakeFile(): RunnerTask {
  const file = {
    type: 'suite',
    name: 'suites/etag.spec.ts',
    filepath: '/p/suites/etag.spec.ts',
    mode: 'run',
    result: { state: 'pass', duration: 3 },
    tasks: [] as unknown[],
    meta: {},
  } as Record<string, unknown>;
  const testTask = (name: string, extra: Record<string, unknown>) => ({
    type: 'test',
    name,
    mode: 'run',
    file,
    suite: file,
    meta: {},
    annotations: [],
    result: { state: 'pass', duration: 1 },
    ...extra,
  });
  file['file'] = file;
  file['tasks'] = [
    testTask('the ETag is strong [ETAG_STRONG]', { annotations: [{ type: 'warning', message: WARNING }] }),
    testTask('PATCH works [USER_PATCH]', { mode: 'skip', result: { state: 'skip', note: SKIP_REASON } }),
    testTask('lists users [LIST_USERS]', {}),
  ];
  return file as unknown as RunnerTask;
}

async function junitOf(Reporter: typeof JUnitReporter, outputFile: string): Promise<string> {
  const reporter = new Reporter({ outputFile });
  await reporter.onInit({ config: { root: '/p', reporters: [] }, logger: { log: () => undefined } } as unknown as Vitest);
  await reporter.onTestRunEnd([{ task: fakeFile() } as unknown as TestModule]);
  return readFile(outputFile, 'utf8');
}

let dir: string;
let ours: string;
let vitests: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimc-junit-'));
  ours = await junitOf(ConformanceJUnitReporter, join(dir, 'ours.xml'));
  vitests = await junitOf(JUnitReporter, join(dir, 'vitest.xml'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

/** The XML of one test case, by the start of its name. */
function testCase(xml: string, name: string): string {
  const start = xml.indexOf(`name="${name}`);
  return xml.slice(start, xml.indexOf('</testcase>', start));
}

describe('a skipped check', () => {
  test("carries its reason as the skipped element's message and text", () => {
    const skipped = testCase(ours, 'PATCH works');
    expect(skipped).toContain(`<skipped message="${xmlText(SKIP_REASON)}">${xmlText(SKIP_REASON)}</skipped>`);
    expect(skipped.match(/<skipped/g)).toHaveLength(1);
  });

  test("control: Vitest's own reporter writes a bare <skipped/>", () => {
    expect(testCase(vitests, 'PATCH works')).toContain('<skipped/>');
    expect(vitests).not.toContain('connection refused');
  });

  test('is still counted as skipped, and the file keeps its shape', () => {
    expect(ours).toMatch(/<testsuite name="suites\/etag.spec.ts"[^>]* tests="3" failures="0" errors="0" skipped="1"/);
    expect(ours.trimEnd().endsWith('</testsuites>')).toBe(true);
  });
});

describe('a warned check', () => {
  test('carries its warning in <system-out>, and keeps the property', () => {
    const warned = testCase(ours, 'the ETag is strong');
    expect(warned).toContain(`<system-out>${xmlText(`warning: ${WARNING}`)}</system-out>`);
    expect(warned).toContain('<property name="warning"');
  });

  test("control: Vitest's own reporter has it only as a property; a plain pass has neither", () => {
    expect(testCase(vitests, 'the ETag is strong')).not.toContain('<system-out>');
    expect(testCase(ours, 'lists users')).not.toMatch(/<system-out>|<skipped/);
  });
});

test('server text cannot break the XML or reach a terminal raw', () => {
  expect(xmlText('a<b>&"\'\u001b[2J\u0007\u009b')).toBe('a&lt;b&gt;&amp;&quot;&apos;\\u001b[2J\\u0007\\u009b');
});
