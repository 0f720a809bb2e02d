/**
 * `npx vitest run` of the write suites as a user runs them, against a server that records every
 * request: the reference server passes the whole write path and ends with the store it started
 * with; a read-only run sends no write; a run against a half-broken server, and a run killed half
 * way followed by `npm run cleanup`, each leave none of their resources behind, and the resources
 * that were there before are byte for byte unchanged.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WRITE_SPEC_PATHS } from '../../src/checks/spec-files.js';
import type { ScimService } from '../../src/reference-server/index.js';
import { NO_CHECK_RAN } from '../../src/report/run-end.js';
import type { ScimRequest, ScimResponse } from '../../src/reference-server/types.js';
import { WRITE_SKIP_REASON } from '../../src/suite/test-data.js';
import { bystanders, leftovers, RECORDING_TOKEN, startRecordingServer, storeText, type Breakage, type RecordingServer } from '../servers/recording.js';
import { writeGallery } from '../servers/write-gallery.js';
import { lastLine, PROJECT_ROOT, runSuites, SuiteSession, userEnv, type SuiteRun } from '../support/run-suite.js';

const WRITE_SPECS = [...WRITE_SPEC_PATHS];
const VITEST = join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const servers: RecordingServer[] = [];
// The two write runs below, one Vitest instance for both (test/support/run-suite.ts).
const writeRuns = new SuiteSession();

async function recording(options: Parameters<typeof startRecordingServer>[0] = {}) {
  const server = await startRecordingServer(options);
  servers.push(server);
  return server;
}

afterAll(async () => {
  await writeRuns.close();
  await Promise.all(servers.map((server) => server.close()));
});

/** Several gallery breakages at once; each hands its request on to the next. */
function combined(names: string[]): Breakage {
  const chain = names.map((name) => {
    const broken = writeGallery.find((b) => b.name === name);
    if (broken === undefined) throw new Error(`no broken server ${name}`);
    return broken.breakage;
  });
  return (request, service) =>
    chain.reduceRight<(r: ScimRequest) => ScimResponse>(
      (next, breakage) => (r) => breakage(r, { ...service, handle: next } as ScimService) as ScimResponse,
      (r) => service.handle(r),
    )(request);
}

function runCleanup(baseUrl: string, args: string[] = []): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // tsx as Node's loader: one process, where its CLI starts a second one to run the file.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/cleanup.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: userEnv(baseUrl === '' ? {} : { SCIM_BASE_URL: baseUrl, SCIM_TOKEN: RECORDING_TOKEN }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('a write run against the reference server', () => {
  let server: RecordingServer;
  let before: string;
  let run: SuiteRun;
  beforeAll(async () => {
    server = await recording();
    before = storeText(server.service);
    run = await writeRuns.run({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: RECORDING_TOKEN, SCIM_WRITE: 'true' }, WRITE_SPECS);
  }, 120_000);

  test('passes every write check', () => {
    expect(run.tests.filter((t) => t.status !== 'passed').map((t) => `${t.status}: ${t.name}`)).toEqual([]);
    expect(run.tests.length).toBeGreaterThan(50);
    expect(run.exitCode).toBe(0);
  });

  test('ends with exactly the store it started with', () => {
    expect(server.writes().length).toBeGreaterThan(30);
    expect(storeText(server.service)).toBe(before);
  });

  test('never prints the token', () => {
    expect(run.stdout + run.stderr).not.toContain(RECORDING_TOKEN);
  });
});

describe('a read-only run', () => {
  let server: RecordingServer;
  let run: SuiteRun;
  beforeAll(async () => {
    server = await recording();
    run = await runSuites({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: RECORDING_TOKEN }, [...WRITE_SPECS, '--reporter=verbose']);
  }, 120_000);

  test('sends no POST, PUT, PATCH or DELETE', () => {
    expect(server.calls.length).toBeGreaterThan(0);
    expect(server.writes()).toEqual([]);
  });

  test('skips every write check, saying how to enable it', () => {
    // The verbose reporter prints each skipped check with its reason: `↓ … [CODE] 0ms [reason]`.
    const skipped = run.stdout.split('\n').filter((line) => line.includes('↓') && line.endsWith(`[${WRITE_SKIP_REASON}]`));
    expect(skipped.length).toBeGreaterThan(50);
    expect(run.stdout).toMatch(new RegExp(`Tests +${skipped.length} skipped \\(${skipped.length}\\)`));
    // Only write specs, read-only: not one check ran, and a CI gate must not pass on that.
    expect(lastLine(run)).toBe(NO_CHECK_RAN);
    expect(run.exitCode).toBe(1);
  });
});

describe('a write run against a server that fails half the checks', () => {
  let server: RecordingServer;
  let before: string;
  let run: SuiteRun;
  const broken = [
    'duplicates-accepted',
    'put-ignored',
    'first-operation-only',
    'member-add-ignored',
    'junk-body-500',
    'username-not-required',
    'group-patch-200-empty',
    'version-never-changes',
  ];
  beforeAll(async () => {
    server = await recording({ breakage: combined(broken) });
    before = bystanders(server.service);
    run = await writeRuns.run({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: RECORDING_TOKEN, SCIM_WRITE: 'true' }, WRITE_SPECS);
  }, 120_000);

  test('fails with the codes of what is broken', () => {
    expect(run.exitCode).not.toBe(0);
    for (const code of [
      'USER_DUPLICATE_CONFLICT',
      'USER_PUT_REPLACES',
      'PATCH_SEVERAL_OPERATIONS',
      'INPUT_UNPARSEABLE_BODY',
      'INPUT_MISSING_USERNAME',
      'GROUP_PATCH_ANSWER',
      'ETAG_CHANGES_ON_UPDATE',
    ]) {
      expect(run.failedCodes).toContain(code);
    }
  });

  test('still removes everything it created, including what the server should have refused', () => {
    expect(server.writes().filter((call) => call.method === 'POST' && call.status === 201).length).toBeGreaterThan(8);
    expect(leftovers(server.service)).toEqual([]);
  });

  test('leaves the resources that were there before byte for byte unchanged', () => {
    expect(bystanders(server.service)).toBe(before);
  });
});

describe('a run killed half way, then `npm run cleanup`', () => {
  let server: RecordingServer;
  let before: string;
  let leftBehind: string[];
  let sparedLeft: string[];
  let spared: { code: number | null; output: string };
  let cleanup: { code: number | null; output: string };
  beforeAll(async () => {
    // Every request after the sixth user or group is created is held: the run is stuck mid-lifecycle.
    server = await recording({ holdWhen: (calls) => calls.filter((call) => call.method === 'POST' && call.status === 201).length >= 6 });
    before = bystanders(server.service);
    const child = spawn(process.execPath, [VITEST, 'run', '--reporter=dot', ...WRITE_SPECS], {
      cwd: PROJECT_ROOT,
      env: userEnv({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: RECORDING_TOKEN, SCIM_WRITE: 'true' }),
      stdio: 'ignore',
      // Its own process group, so that the kill reaches Vitest's workers too.
      detached: true,
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the run never reached the hold point')), 60_000).unref());
    await Promise.race([server.held, timeout]);
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    await exited;
    // Requests the dead workers sent just before the kill may still be on their way in: they are
    // held too, and the server has taken them all in once it answers one sent after the kill.
    await server.drained();
    leftBehind = leftovers(server.service);
    server.release();
    // The run is seconds old: without --run, the cleanup leaves it alone (it may still be going).
    spared = await runCleanup(server.baseUrl);
    const prefix = /^scimc-[0-9a-z]{8}-[0-9a-f]{6}-/.exec(leftBehind[0] ?? '')?.[0] ?? 'no-prefix';
    sparedLeft = leftovers(server.service);
    cleanup = await runCleanup(server.baseUrl, ['--run', prefix]);
  }, 120_000);

  test('the killed run left its resources behind', () => {
    expect(leftBehind.length).toBeGreaterThan(0);
  });

  test('the cleanup command leaves a run younger than the grace period alone, and names it', () => {
    expect(sparedLeft).toEqual(leftBehind);
    expect(spared.output).toMatch(/left alone: \d+ resource\(s\) of runs younger than the grace period, which may still be going: scimc-/);
  });

  test('the cleanup command with --run deletes them all, says so, and succeeds', () => {
    expect(leftovers(server.service)).toEqual([]);
    expect(cleanup.output).toMatch(/deleted user scimc-/);
    expect(cleanup.output).toContain(`${leftBehind.length} deleted, 0 deactivated`);
    expect(cleanup.code).toBe(0);
  });

  test('the resources that were there before, look-alike names included, are byte for byte unchanged', () => {
    expect(bystanders(server.service)).toBe(before);
  });

  test('the cleanup command never prints the token', () => {
    expect(cleanup.output).not.toContain(RECORDING_TOKEN);
  });
});

test('the cleanup command without SCIM_BASE_URL says what to set and exits 2', async () => {
  const result = await runCleanup('');
  expect(result.code).toBe(2);
  expect(result.output).toMatch(/SCIM_BASE_URL is not set/);
}, 30_000);

describe('a run interrupted with Ctrl-C (SIGINT to its process group)', () => {
  let server: RecordingServer;
  let before: string;
  let createdBeforeInterrupt: number;
  let exit: { code: number | null; output: string };
  beforeAll(async () => {
    server = await recording();
    before = bystanders(server.service);
    const child = spawn(process.execPath, [VITEST, 'run', ...WRITE_SPECS], {
      cwd: PROJECT_ROOT,
      // A slow pace, so that the interrupt lands mid-run.
      env: userEnv({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: RECORDING_TOKEN, SCIM_WRITE: 'true', SCIM_MAX_RPS: '8' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (leftovers(server.service).length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    createdBeforeInterrupt = leftovers(server.service).length;
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
    exit = { code: await exited, output };
  }, 120_000);

  test('the run had created test data when it was interrupted', () => {
    expect(createdBeforeInterrupt).toBeGreaterThanOrEqual(3);
  });

  test("it removes this run's test data on its way out, says so, and exits 130", () => {
    expect(leftovers(server.service)).toEqual([]);
    expect(exit.output).toMatch(/SIGINT: removing this run's test data \(scimc-[0-9a-z]+-[0-9a-f]{6}-…\) before exiting/);
    expect(exit.output).toMatch(/deleted user scimc-/);
    expect(exit.code).toBe(130);
  });

  test('the resources that were there before are byte for byte unchanged', () => {
    expect(bystanders(server.service)).toBe(before);
  });

  test('the token is never printed', () => {
    expect(exit.output).not.toContain(RECORDING_TOKEN);
  });
});
