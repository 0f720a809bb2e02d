/**
 * The bin (`node bin/scim-conformance.js`, as npx runs it), from a project whose .env enables
 * writes against a server that records every request: `--version` and `--help` only print; a run
 * whose server stops answering once it is interrupted stops within its grace period, saying what may
 * be left and how to remove it; and a run whose bin is killed outright cleans up after itself
 * instead of going on alone.
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { leftovers, RECORDING_TOKEN, startRecordingServer, type RecordingServer } from '../servers/recording.js';
import { PROJECT_ROOT, userEnv } from '../support/run-suite.js';

const BIN = join(PROJECT_ROOT, 'bin', 'scim-conformance.js');
const TAG_ENV = 'SCIMC_BIN_TEST_TAG';
const HANG_GUARD_MS = 90_000;
const WRITE_SPECS = ['suites/users-okta.spec.ts', 'suites/groups.spec.ts'];

let project: string;
let server: RecordingServer;
const servers: RecordingServer[] = [];

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'scimc-bin-'));
  server = await startRecordingServer();
  servers.push(server);
  await writeFile(join(project, '.env'), `SCIM_BASE_URL=${server.baseUrl}\nSCIM_TOKEN=${RECORDING_TOKEN}\nSCIM_WRITE=true\n`);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(project, { recursive: true, force: true });
});

function bin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: project, env: userEnv(), timeout: HANG_GUARD_MS }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

/** The variables of the README's configuration table. */
async function configurationVariables(): Promise<string[]> {
  const readme = await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Configuration\n'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| variable')));
  return [...table.matchAll(/^\| `([A-Z_]+)`/gm)].map((match) => match[1] ?? '');
}

describe('--version and --help, in a project whose .env enables writes', () => {
  test('--version prints the package version, exits 0, and sends nothing', async () => {
    const { version } = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await bin(['--version']);
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(server.calls).toEqual([]);
  });

  test.for(['--help', '-h', 'cleanup --help'])('%s prints the usage, every configuration variable, the cleanup command and that Vitest flags pass through, and sends nothing', async (flags) => {
    const variables = await configurationVariables();
    const result = await bin(flags.split(' '));
    expect(result.code).toBe(0);
    expect(variables.length).toBeGreaterThan(5);
    for (const variable of variables) expect(result.stdout).toContain(`  ${variable}: `);
    expect(result.stdout).toMatch(/^Usage: scim-conformance/);
    expect(result.stdout).toContain('scim-conformance cleanup');
    expect(result.stdout).toContain('Vitest options pass through');
    expect(server.calls).toEqual([]);
  });
});

/** Processes (not zombies) whose environment carries `tag`. */
async function processesTagged(tag: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (!environ.includes(`${TAG_ENV}=${tag}`)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (!/\) Z /.test(stat) && stat !== '') found.push(Number(pid));
  }
  return found;
}

/** Starts a write run through the bin against `target`; `output` fills as it runs. */
function startRun(target: RecordingServer, tag: string, extra: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, '--reporter=dot', ...WRITE_SPECS], {
    cwd: project,
    env: userEnv({ SCIM_BASE_URL: target.baseUrl, SCIM_TOKEN: RECORDING_TOKEN, SCIM_WRITE: 'true', SCIM_MAX_RPS: '1000', [TAG_ENV]: tag, ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = { child, output: '', exited: new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stdout.on('data', (chunk: Buffer) => (run.output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (run.output += chunk.toString()));
  return run;
}

describe('a run whose server stops answering once it is interrupted (SIGTERM to the bin)', () => {
  let run: ReturnType<typeof startRun>;
  let code: number | null;
  let tag: string;
  let hung: RecordingServer;
  beforeAll(async () => {
    tag = randomUUID();
    // Every request after the third user or group is created is held: the run, then its cleanup, get no answer.
    hung = await startRecordingServer({ holdWhen: (calls) => calls.filter((call) => call.method === 'POST' && call.status === 201).length >= 3 });
    servers.push(hung);
    run = startRun(hung, tag);
    await hung.held;
    run.child.kill('SIGTERM');
    code = await run.exited;
  }, HANG_GUARD_MS);

  test('stops, says its test data may be left, and gives the command that removes it', () => {
    // The cleanup stops itself at its deadline; on a machine too loaded for it to start by then, the bin kills the run.
    expect(run.output).toMatch(/the time to clean up ran out: stopped before this run's test data was removed|the run did not stop within 8 s and was killed/);
    expect(run.output).toMatch(/every user and group named scimc-[0-9a-z]+-[0-9a-f]{6}-… may be left|its test data \(users and groups named scimc-…\) may be left/);
    expect(run.output).toContain('`npx scim-conformance cleanup` removes it');
    expect([143, 137]).toContain(code);
  });

  test('leaves no process running', async () => {
    expect(await processesTagged(tag)).toEqual([]);
  });
});

describe('a run whose bin is killed outright (SIGKILL)', () => {
  let tag: string;
  let target: RecordingServer;
  let createdBeforeTheKill: number;
  let stillRunning: number[];
  beforeAll(async () => {
    tag = randomUUID();
    let markCreated: () => void = () => {};
    const created = new Promise<void>((resolve) => (markCreated = resolve));
    target = await startRecordingServer({
      breakage: (request, service) => {
        const response = service.handle(request);
        if (request.method === 'POST' && response.status === 201) markCreated();
        return response;
      },
    });
    servers.push(target);
    // Time enough to clean up on any machine: what is checked is that the run cleans up, not how fast.
    const run = startRun(target, tag, { SCIMC_INTERRUPT_GRACE_MS: '120000' });
    await created;
    createdBeforeTheKill = leftovers(target.service).length;
    run.child.kill('SIGKILL');
    await run.exited;
    // The run goes on by itself for as long as its cleanup takes: wait for its last process.
    for (let pids = await processesTagged(tag); pids.length > 0; pids = await processesTagged(tag)) await new Promise((resolve) => setTimeout(resolve, 100));
    stillRunning = await processesTagged(tag);
  }, HANG_GUARD_MS);

  test('the run had created test data', () => {
    expect(createdBeforeTheKill).toBeGreaterThan(0);
  });

  test('the run cleans up after itself and ends, instead of going on alone', () => {
    expect(stillRunning).toEqual([]);
    expect(leftovers(target.service)).toEqual([]);
    // Only an interrupted run's cleanup lists users by externalId (src/suite/sweep.ts, byExternalId).
    expect(target.calls.some((call) => call.method === 'GET' && new URLSearchParams(call.query).get('filter')?.startsWith('externalId sw'))).toBe(true);
  });
});
