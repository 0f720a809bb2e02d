/**
 * The read-path suites against the reference server and against one deliberately broken server per
 * rule: each broken server fails with its rule's code, the rules it cannot help affecting aside,
 * every other check keeps the status it has on the reference. And a read-only run sends only GET:
 * not even POST /.search, which the reference server advertises through filter.supported, unless
 * SCIM_SEARCH_POST=true asks for it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { READ_SPECS, specPath } from '../../src/checks/spec-files.js';
import { GALLERY_TOKEN, type RunningServer } from '../servers/gallery.js';
import { readGallery, startReadServer, type ReadBreakage, type ReadSpec } from '../servers/read-gallery.js';
import { RecordedRuns } from '../support/recorded-runs.js';
import { ONE_WORKER, SuiteSession, twoAtATime, type SuiteRun } from '../support/run-suite.js';

const specFile = specPath;
const runs = new RecordedRuns();
const session = new SuiteSession(ONE_WORKER);
const requests: Array<{ method: string; path: string }> = [];
let readOnlyRun: SuiteRun | undefined;

function env(server: RunningServer, write: boolean): Record<string, string> {
  // Local servers need no polite rate; strict, so that a broken SHOULD fails the run too.
  return {
    SCIM_BASE_URL: server.baseUrl,
    SCIM_TOKEN: GALLERY_TOKEN,
    SCIM_MAX_RPS: '1000',
    SCIM_MAX_IN_FLIGHT: '8',
    SCIM_STRICT: 'true',
    ...(write ? { SCIM_WRITE: 'true' } : {}),
  };
}

/**
 * The reference server's run, read-only or with writes, over every spec file the gallery breaks:
 * one run each, whose results are compared spec file by spec file.
 */
const referenceKey = (write: boolean) => `reference:${write}`;
const writeSpecs = [...new Set(readGallery.filter((broken) => broken.write === true).map((broken) => specFile(broken.spec)))];

beforeAll(async () => {
  const jobs: Array<() => Promise<void>> = [];
  const run = (key: string, start: () => Promise<RunningServer>, specs: string[], write: boolean) => async () => {
    await runs.record(key, start, (server) => session.run(env(server, write), specs));
  };
  // The read-only reference run is also the one whose requests are recorded.
  jobs.push(async () => {
    readOnlyRun = await runs.record(
      referenceKey(false),
      () => startReadServer(undefined, { record: requests }),
      (server) => session.run(env(server, false), [...READ_SPECS.map(specFile), 'suites/connection.spec.ts']),
    );
  });
  if (writeSpecs.length > 0) jobs.push(run(referenceKey(true), () => startReadServer(), writeSpecs, true));
  for (const broken of readGallery) jobs.push(run(broken.name, broken.start, [specFile(broken.spec)], broken.write === true));
  await twoAtATime(jobs, (job) => job());
}, 900_000);

/** The tests of one spec file of a run. */
const ofSpec = (run: SuiteRun, spec: ReadSpec) => run.tests.filter((t) => t.file === specFile(spec));

afterAll(async () => {
  await runs.closeOpen();
  await session.close();
});

const codeOf = (name: string) => /\[([A-Z_]+)\]$/.exec(name)?.[1];

describe.each(READ_SPECS)('the reference server on %s.spec.ts', (spec) => {
  test('passes every check, and says why it skips any', () => {
    const run = runs.of(referenceKey(false));
    const tests = ofSpec(run, spec);
    expect(tests.filter((t) => t.status === 'failed').map((t) => `${t.name}\n${t.failureMessages.join('\n')}`)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(tests.filter((t) => t.status === 'passed').length).toBeGreaterThan(0);
  });
});

describe.each(readGallery)('a server where $cause', (broken: ReadBreakage) => {
  test(`fails with ${broken.expected.join(' and ')}`, () => {
    const run = runs.of(broken.name);
    expect(run.exitCode).not.toBe(0);
    for (const code of broken.expected) expect(run.failedCodes).toContain(code);
  });

  test('leaves every other check as it is on the reference server', () => {
    const reference = runs.of(referenceKey(broken.write === true));
    const spared = (name: string) => {
      const code = codeOf(name);
      return code !== undefined && !broken.expected.includes(code) && !(broken.affected ?? []).includes(code);
    };
    const statuses = (run: SuiteRun) =>
      Object.fromEntries(
        ofSpec(run, broken.spec)
          .filter((t) => spared(t.name))
          .map((t) => [t.name, t.status]),
      );
    const broke = runs.of(broken.name);
    // The broken run ran that spec file alone: nothing of another is compared by leaving it out.
    expect(broke.tests.length).toBe(ofSpec(broke, broken.spec).length);
    expect(statuses(broke)).toEqual(statuses(reference));
  });
});

describe('a read-only run against a server given by SCIM_BASE_URL', () => {
  test('sends only GET, not even POST /.search, though filtering is advertised', () => {
    expect(readOnlyRun?.tests.filter((t) => t.status === 'passed').length).toBeGreaterThan(0);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
    const search = readOnlyRun?.tests.find((t) => codeOf(t.name) === 'QUERY_SEARCH');
    expect(search?.status).toBe('skipped');
  });

  test('skips the checks that need writes, saying so', () => {
    const skipped = readOnlyRun?.tests.filter((t) => t.status === 'skipped').map((t) => codeOf(t.name)) ?? [];
    expect(skipped).toEqual(expect.arrayContaining(['DISCOVERY_PATCH_WORKS', 'QUERY_SEARCH']));
  });
});
