/**
 * A CI gate that is never falsely green, driven through the verdict reporter with fake Vitest
 * objects: a run in which no check ran fails, a shard gives no verdict, a merge of shards does, and
 * the banner and verdict leave stdout to a reporter that writes its file there.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { TestModule, Vitest } from 'vitest/node';
import ConformanceReporter, { runPart, undoRestoredStubs } from '../../src/report/reporter.js';
import { EXCHANGE_DIR_ENV } from '../../src/report/exchange-log.js';
import { NO_CHECK_RAN } from '../../src/report/run-end.js';
import { ourOutput, stdoutIsTaken } from '../../src/report/streams.js';

interface FakeTest {
  name: string;
  state: 'passed' | 'failed' | 'skipped';
  note?: string;
  code?: string;
}

function fakeModule(moduleId: string, tests: FakeTest[]): TestModule {
  return {
    moduleId,
    relativeModuleId: moduleId,
    errors: () => [],
    children: {
      *allTests() {
        for (const t of tests) {
          yield { fullName: t.name, meta: () => ({ code: t.code }), result: () => ({ state: t.state, note: t.note, errors: [] }) };
        }
      },
      *allSuites() {},
    },
  } as unknown as TestModule;
}

/** `known`: the spec files Vitest knows of in watch mode, run now or before. */
function fakeVitest(config: Partial<Vitest['config']> = {}, known: TestModule[] = []): Vitest {
  const project = { getProvidedContext: () => ({}) };
  return {
    config: { reporters: [['default', {}]], shard: undefined, mergeReports: undefined, watch: false, ...config },
    state: { getTestModules: () => known },
    getRootProject: () => project,
    projects: [project],
    vite: { environments: {} },
  } as unknown as Vitest;
}

let written: { stdout: string; stderr: string };
let exitCode: typeof process.exitCode;

beforeEach(() => {
  written = { stdout: '', stderr: '' };
  exitCode = process.exitCode;
  process.exitCode = undefined;
  vi.stubEnv('SCIM_REPORTS', '');
  vi.stubEnv('SCIM_PROFILE', '');
  vi.stubEnv('GITHUB_STEP_SUMMARY', '');
  vi.stubEnv(EXCHANGE_DIR_ENV, '');
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((written.stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((written.stderr += String(chunk)), true));
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  // This test process's own exit code is not the one under test.
  process.exitCode = exitCode;
});

async function endOfRun(vitest: Vitest, modules: TestModule[]): Promise<typeof process.exitCode> {
  const reporter = new ConformanceReporter();
  reporter.onInit(vitest);
  await reporter.onTestRunEnd(modules, [], 'passed');
  return process.exitCode;
}

const PASSED = fakeModule('suites/a.spec.ts', [{ name: 'lists users [LIST_SCHEMAS]', state: 'passed', code: 'LIST_SCHEMAS' }]);
const FILTERED = fakeModule('suites/b.spec.ts', [
  { name: 'lists users [LIST_SCHEMAS]', state: 'skipped' },
  { name: 'pages [PAGING]', state: 'skipped' },
]);

describe('a run in which no check ran', () => {
  test('fails, with one sentence, the last line of the output', async () => {
    expect(await endOfRun(fakeVitest(), [FILTERED])).toBe(1);
    expect(written.stdout.trimEnd().split('\n').at(-1)).toBe(NO_CHECK_RAN);
  });

  test('control: a run in which one check passed is not failed by it', async () => {
    expect(await endOfRun(fakeVitest(), [PASSED, FILTERED])).toBeUndefined();
    expect(written.stdout).not.toContain(NO_CHECK_RAN);
    expect(written.stdout).toContain('Verdict');
  });
});

describe('a shard', () => {
  test('says it is partial and gives no verdict for any client', async () => {
    await endOfRun(fakeVitest({ shard: { index: 2, count: 2 } }), [PASSED]);
    expect(written.stdout).toContain('shard 2/2 is a partial run: no verdict for any client');
    expect(written.stdout).toContain('--merge-reports');
    expect(written.stdout).not.toContain('Verdict');
    expect(written.stdout).not.toMatch(/Okta|Entra|ready|blocked/);
  });

  test('control: the whole run, and the merge of the shards, give the verdict', async () => {
    expect(runPart(fakeVitest().config)).toBe('whole');
    expect(runPart(fakeVitest({ mergeReports: '.vitest-reports' }).config)).toBe('merged');
    await endOfRun(fakeVitest({ mergeReports: '.vitest-reports' }), [PASSED]);
    expect(written.stdout).toContain('Verdict');
    expect(written.stdout).toMatch(/Verdict\n {2}Okta: /);
  });
});

describe('a watch-mode rerun of some spec files only', () => {
  test('says it is partial and gives no verdict: the other files hold results from before', async () => {
    await endOfRun(fakeVitest({ watch: true }, [PASSED, FILTERED]), [PASSED]);
    expect(written.stdout).toContain('this rerun ran 1 of 2 spec files, a partial run: no verdict for any client. Press a');
    expect(written.stdout).not.toContain('Verdict');
  });

  test('control: a rerun of every spec file gives the verdict', async () => {
    await endOfRun(fakeVitest({ watch: true }, [PASSED]), [PASSED]);
    expect(written.stdout).toMatch(/Verdict\n {2}Okta: /);
  });
});

test('merging reports undoes the blank modules Vitest restores from the blobs, and only those', () => {
  const stub = { transformResult: { code: ' ' } };
  const real = { transformResult: { code: 'export const x = 1;' } };
  const unloaded = { transformResult: null };
  const invalidated: unknown[] = [];
  const graph = {
    idToModuleMap: new Map<string, unknown>([
      ['stub', stub],
      ['real', real],
      ['unloaded', unloaded],
    ]),
    invalidateModule: (node: unknown) => invalidated.push(node),
  };
  expect(undoRestoredStubs({ __vitest__: { moduleGraph: graph } })).toBe(1);
  expect(invalidated).toEqual([stub]);
});

describe('a reporter that writes its file to stdout', () => {
  test.for([
    [[['junit', {}]], undefined],
    [[['json', {}]], undefined],
    [
      [
        ['default', {}],
        ['/pkg/src/report/junit.ts', {}],
      ],
      { json: 'x.json' },
    ],
    [[['json', {}]], { junit: 'x.xml' }],
  ] as const)('%j (outputFile %j) leaves stdout to it: the banner and the verdict go to stderr', async ([reporters, outputFile]) => {
    const settings = { reporters, outputFile } as unknown as Vitest['config'];
    expect(stdoutIsTaken(settings)).toBe(true);
    expect(ourOutput(settings)).toBe(process.stderr);
    await endOfRun(fakeVitest(settings), [PASSED]);
    expect(written.stdout).toBe('');
    expect(written.stderr).toContain('Verdict');
  });

  test.for([
    [[['default', {}]], undefined],
    [[['junit', { outputFile: 'x.xml' }]], undefined],
    [[['json', {}]], { json: 'x.json' }],
    [[['junit', {}]], 'all.out'],
    [[['/pkg/src/report/json.ts', { outputFile: 'scim-reports/results.json' }]], undefined],
  ] as const)('control: %j (outputFile %j) writes to a file, so ours stay on stdout', async ([reporters, outputFile]) => {
    const settings = { reporters, outputFile } as unknown as Vitest['config'];
    expect(stdoutIsTaken(settings)).toBe(false);
    await endOfRun(fakeVitest(settings), [PASSED]);
    expect(written.stdout).toContain('Verdict');
    expect(written.stderr).toBe('');
  });
});
