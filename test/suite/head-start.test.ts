/**
 * The head start: the sequencer names the longest chain as the leader and transforms only its
 * modules ahead; in the workers, the other spec files wait until the leader has loaded, or
 * HEAD_START_MS at most.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject, TestSpecification } from 'vitest/node';
import { afterAll, describe, expect, test } from 'vitest';
import { HEAD_START_MS, headStartFor, endHeadStart, waitForLeader, type HeadStart } from '../../src/suite/head-start.js';
import { chainRank, giveHeadStart } from '../../src/suite/sequencer.js';
import { PROJECT_ROOT, VITEST } from '../support/run-suite.js';

describe('waiting for the leader', () => {
  test('ends as soon as the leader has loaded', async () => {
    const headStart = headStartFor('/suites/groups.spec.ts');
    const started = Date.now();
    setTimeout(() => endHeadStart(headStart), 50);
    await waitForLeader(headStart, 5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('ends at once when the leader has loaded already', async () => {
    const headStart = headStartFor('/suites/groups.spec.ts');
    endHeadStart(headStart);
    const started = Date.now();
    await waitForLeader(headStart, 5_000);
    expect(Date.now() - started).toBeLessThan(100);
  });

  test('ends after the time given when the leader never says it has loaded, and for everyone after', async () => {
    const headStart = headStartFor('/suites/groups.spec.ts');
    const started = Date.now();
    await waitForLeader(headStart, 200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    const next = Date.now();
    await waitForLeader(headStart, 5_000);
    expect(Date.now() - next).toBeLessThan(100);
  });
});

/** A project as the sequencer sees it: what it provides and which modules it asks Vite to transform. */
function fakeSpec(moduleId: string, pool: string) {
  const provided = new Map<string, unknown>();
  const warmed: string[] = [];
  const project = {
    config: { root: PROJECT_ROOT, pool },
    provide: (key: string, value: unknown) => provided.set(key, value),
    vite: { environments: { ssr: { warmupRequest: async (url: string) => void warmed.push(url) } } },
  } as unknown as TestProject;
  return { spec: { project, moduleId } as TestSpecification, provided, warmed };
}

describe('the sequencer', () => {
  test('puts the longest chain first', () => {
    const files = ['filters', 'users-okta', 'groups', 'users-entra'].map((name) => join(PROJECT_ROOT, 'suites', `${name}.spec.ts`));
    expect(files.sort((a, b) => chainRank(a) - chainRank(b))[0]).toMatch(/groups\.spec\.ts$/);
  });

  test('names the leader to worker threads and transforms its modules, and only its, ahead', () => {
    const leader = join(PROJECT_ROOT, 'suites', 'groups.spec.ts');
    const { spec, provided, warmed } = fakeSpec(leader, 'threads');
    giveHeadStart(spec);
    expect((provided.get('headStart') as HeadStart).leader).toBe(leader);
    expect(warmed).toContain('/suites/groups.spec.ts');
    expect(warmed).toContain('/src/checks/group-lifecycle.ts');
    // The filter checks are another file's: they are transformed when that file asks for them.
    expect(warmed).not.toContain('/src/checks/filters.ts');
  });

  test('a leader that is not a file of ours leads all the same, with nothing transformed ahead', () => {
    const { spec, provided, warmed } = fakeSpec(join(tmpdir(), 'elsewhere', 'checks.spec.js'), 'threads');
    giveHeadStart(spec);
    expect(provided.has('headStart')).toBe(true);
    expect(warmed).toEqual([]);
  });

  test('gives worker processes no head start (they share no memory), but still transforms ahead', () => {
    const { spec, provided, warmed } = fakeSpec(join(PROJECT_ROOT, 'suites', 'groups.spec.ts'), 'forks');
    giveHeadStart(spec);
    expect(provided.has('headStart')).toBe(false);
    expect(warmed).toContain('/suites/groups.spec.ts');
  });
});

describe('in a run', () => {
  let project = '';
  afterAll(async () => {
    if (project !== '') await rm(project, { recursive: true, force: true });
  });

  /**
   * Four spec files in two worker threads, with our sequencer and setup file: groups.spec.ts leads
   * and takes `leaderLoadMs` to load; the three others follow one after another in the other
   * worker. Returns when each file began, and when the leader had loaded.
   */
  async function marksOfRun(leaderLoadMs: number): Promise<Record<string, number>> {
    project = await mkdtemp(join(tmpdir(), 'scimc-head-start-'));
    await mkdir(join(project, 'suites'));
    const ours = (path: string) => JSON.stringify(join(PROJECT_ROOT, path));
    await writeFile(
      join(project, 'vitest.config.ts'),
      `import LongestChainsFirst from ${ours('src/suite/sequencer.ts')};
export default { test: { include: ['suites/*.spec.ts'], globals: true, pool: 'threads', maxWorkers: 2, isolate: false,
  sequence: { sequencer: LongestChainsFirst }, setupFiles: [${ours('src/suite/head-start-setup.ts')}] } };\n`,
    );
    // Vitest's globals: a file outside our project cannot import vitest.
    const mark = `import { appendFileSync } from 'node:fs';
const mark = (what: string) => appendFileSync(${JSON.stringify(join(project, 'marks'))}, \`\${what} \${Date.now()}\\n\`);\n`;
    await writeFile(
      join(project, 'suites', 'groups.spec.ts'),
      `${mark}mark('leader-began');\nawait new Promise((resolve) => setTimeout(resolve, ${leaderLoadMs}));\ntest('leads', () => mark('leader-loaded'));\n`,
    );
    for (const n of [1, 2, 3]) await writeFile(join(project, 'suites', `other-${n}.spec.ts`), `${mark}mark('follower-${n}-began');\ntest('follows', () => {});\n`);
    await promisify(execFile)(process.execPath, [VITEST, 'run', '--root', project], { env: { ...process.env, CI: 'true' } });
    const marks = (await readFile(join(project, 'marks'), 'utf8')).trim().split('\n').map((line) => line.split(' '));
    await rm(project, { recursive: true, force: true });
    return Object.fromEntries(marks.map(([what = '', at = '']) => [what, Number(at)]));
  }

  test('the other spec files begin loading once the leader has loaded', async () => {
    const marks = await marksOfRun(100);
    expect(marks['follower-1-began']).toBeGreaterThanOrEqual(marks['leader-loaded'] ?? Infinity);
  });

  test(`a leader slow to load holds the others ${HEAD_START_MS} ms at most, once`, async () => {
    const marks = await marksOfRun(3_000);
    expect(marks['follower-1-began']).toBeLessThan(marks['leader-loaded'] ?? 0);
    expect((marks['follower-1-began'] ?? 0) - (marks['leader-began'] ?? 0)).toBeLessThan(2_000);
    // Waiting again before each file would take the other two twice HEAD_START_MS at least.
    expect((marks['follower-3-began'] ?? Infinity) - (marks['follower-1-began'] ?? 0)).toBeLessThan(1.5 * HEAD_START_MS);
  });
});
