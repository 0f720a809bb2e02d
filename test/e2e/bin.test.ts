/**
 * The bin (`node bin/scim-conformance.js`, and `npx scim-conformance`), from a project whose .env
 * enables writes against a server that records every request: `--version` and `--help` only print;
 * an interrupted run whose server stops answering ends at whichever of its two deadlines is set to
 * come first, the cleanup's or the bin's kill, saying what may be left; a run whose bin is killed
 * outright cleans up after itself; and under `npm exec` a Ctrl-C that reaches it twice is one
 * interrupt. Interrupts through a real npx are test/e2e/interrupts.test.ts's.
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bystanders, leftovers, RECORDING_TOKEN, startRecordingServer, type RecordingServer } from '../servers/recording.js';
import { PROJECT_ROOT } from '../support/run-suite.js';
import { processesWithEnv, userShellEnv } from './support-npx.js';

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
    execFile(process.execPath, [BIN, ...args], { cwd: project, env: userShellEnv(), timeout: HANG_GUARD_MS }, (error, stdout, stderr) => {
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

  test.for(['--help', '-h', 'cleanup --help'])(
    '%s prints the usage, every configuration variable, the cleanup command and that Vitest flags pass through, and sends nothing',
    async (flags) => {
      const variables = await configurationVariables();
      const result = await bin(flags.split(' '));
      expect(result.code).toBe(0);
      expect(variables.length).toBeGreaterThan(5);
      for (const variable of variables) expect(result.stdout).toContain(`  ${variable}: `);
      expect(result.stdout).toMatch(/^Usage: scim-conformance/);
      expect(result.stdout).toContain('scim-conformance cleanup');
      expect(result.stdout).toContain('Vitest options pass through');
      expect(server.calls).toEqual([]);
    },
  );
});

type InterruptDeadlines = (env: Record<string, string | undefined>) => { graceMs: number; killAfterMs: number };
/** The bin's own module, plain JavaScript without type declarations: loaded by its URL. */
const { interruptDeadlines } = (await import(new URL('../../bin/interrupt-deadlines.js', import.meta.url).href)) as { interruptDeadlines: InterruptDeadlines };

/** `docker stop`, and most CI runners, kill the container this long after their SIGTERM. */
const CONTAINER_STOP_TIMEOUT_MS = 10_000;

describe("the bin's deadlines after an interrupt", () => {
  test("by default the run's cleanup stops at 7 s and the bin kills what still runs at 8 s, within a container's 10 s", () => {
    const deadlines = interruptDeadlines({});
    expect(deadlines).toEqual({ graceMs: 7_000, killAfterMs: 8_000 });
    expect(deadlines.graceMs).toBeLessThan(deadlines.killAfterMs);
    expect(deadlines.killAfterMs).toBeLessThan(CONTAINER_STOP_TIMEOUT_MS);
  });

  test('SCIMC_INTERRUPT_GRACE_MS gives the cleanup longer and moves the kill to a second after it', () => {
    expect(interruptDeadlines({ SCIMC_INTERRUPT_GRACE_MS: '28000' })).toEqual({ graceMs: 28_000, killAfterMs: 29_000 });
  });

  test('SCIMC_INTERRUPT_KILL_MS sets the kill alone', () => {
    expect(interruptDeadlines({ SCIMC_INTERRUPT_KILL_MS: '1' })).toEqual({ graceMs: 7_000, killAfterMs: 1 });
    expect(interruptDeadlines({ SCIMC_INTERRUPT_GRACE_MS: '28000', SCIMC_INTERRUPT_KILL_MS: '9000' })).toEqual({ graceMs: 28_000, killAfterMs: 9_000 });
  });

  test.for(['', '0', '-5', 'soon', 'Infinity'])('a setting of %j is not a time: the defaults stand', (value) => {
    expect(interruptDeadlines({ SCIMC_INTERRUPT_GRACE_MS: value, SCIMC_INTERRUPT_KILL_MS: value })).toEqual({ graceMs: 7_000, killAfterMs: 8_000 });
  });
});

/** The processes of the run tagged `tag` that are still alive. */
const processesTagged = (tag: string) => processesWithEnv(TAG_ENV, tag);

/** Starts a write run through the bin against `target`; `output` fills as it runs. */
function startRun(target: RecordingServer, tag: string, extra: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, '--reporter=dot', ...WRITE_SPECS], {
    cwd: project,
    env: userShellEnv({ SCIM_BASE_URL: target.baseUrl, SCIM_TOKEN: RECORDING_TOKEN, SCIM_WRITE: 'true', SCIM_MAX_RPS: '1000', [TAG_ENV]: tag, ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = { child, output: '', exited: new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stdout.on('data', (chunk: Buffer) => (run.output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (run.output += chunk.toString()));
  return run;
}

/** Resolves with the run's exit code once its bin has exited and no process of the run is left. */
async function endOf(run: ReturnType<typeof startRun>, tag: string): Promise<{ code: number | null; survivors: string[] }> {
  const code = await run.exited;
  return { code, survivors: await processesTagged(tag) };
}

/**
 * The bin's two deadlines after an interrupt, each shown coming first: the run's own (its cleanup
 * stops, saying what is left) and the bin's kill. The server holds every request once three
 * resources exist, so the run cannot end on its own: which deadline acts is set by the settings,
 * not by how fast the machine is.
 */
describe('an interrupted run whose server stops answering', () => {
  const startHeldRun = async (extra: Record<string, string>) => {
    const tag = randomUUID();
    const hung = await startRecordingServer({ holdWhen: (calls) => calls.filter((call) => call.method === 'POST' && call.status === 201).length >= 3 });
    servers.push(hung);
    const run = startRun(hung, tag, extra);
    await hung.held;
    return { run, tag };
  };

  test(
    "a SIGHUP (a closed terminal) stops the run as a SIGTERM: its cleanup's deadline comes before the bin's kill, and it says what may be left",
    async () => {
      const { run, tag } = await startHeldRun({ SCIMC_INTERRUPT_GRACE_MS: '1000', SCIMC_INTERRUPT_KILL_MS: String(HANG_GUARD_MS) });
      run.child.kill('SIGHUP');
      const { code, survivors } = await endOf(run, tag);
      expect(run.output).toContain("SIGTERM: removing this run's test data");
      // The cleanup stops at its deadline; one that cannot even start by then is stopped by the run.
      expect(run.output).toMatch(/the time to clean up ran out: stopped before this run's test data was removed|the cleanup was stopped \(SIGKILL\)/);
      expect(run.output).toMatch(/every user and group named scimc-[0-9a-z]+-[0-9a-f]{6}-… may be left| {2}(user|group) scimc-/);
      expect(run.output).toContain('`npx scim-conformance cleanup` removes it');
      expect(run.output).not.toContain('was killed');
      expect({ code, survivors }).toEqual({ code: 143, survivors: [] });
    },
    HANG_GUARD_MS,
  );

  test(
    "at the bin's kill deadline the bin kills the run's whole process group, says what may be left, and exits 137",
    async () => {
      const { run, tag } = await startHeldRun({ SCIMC_INTERRUPT_GRACE_MS: String(HANG_GUARD_MS), SCIMC_INTERRUPT_KILL_MS: '1' });
      run.child.kill('SIGTERM');
      const { code, survivors } = await endOf(run, tag);
      expect(run.output).toContain(
        'scim-conformance: the run did not stop within 0.001 s and was killed; its test data (users and groups named scimc-…) may be left on the server: `npx scim-conformance cleanup` removes it',
      );
      expect(run.output).not.toContain('the time to clean up ran out');
      expect({ code, survivors }).toEqual({ code: 137, survivors: [] });
    },
    HANG_GUARD_MS,
  );
});

describe('a run whose bin is killed outright (SIGKILL)', () => {
  let tag: string;
  let target: RecordingServer;
  let createdBeforeTheKill: number;
  let stillRunning: string[];
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

const createdCount = (target: RecordingServer) => target.calls.filter((call) => call.method === 'POST' && call.status === 201).length;

/** Resolves once this clock has passed the millisecond it reads now (see test/e2e/interrupts.test.ts). */
async function pastThisMillisecond(): Promise<void> {
  const now = Date.now();
  while (Date.now() <= now) await new Promise((resolve) => setTimeout(resolve, 1));
}

/**
 * An npm that passes a Ctrl-C on to its child makes each Ctrl-C reach the bin twice, from the
 * terminal and from npm: under `npm exec` two signals within SCIMC_SAME_INTERRUPT_MS are one
 * interrupt. (The npm here passes it to a shell that holds it: through npx each Ctrl-C reaches the
 * bin once, which test/e2e/interrupts.test.ts shows at 20 points.) Here the bin gets both signals
 * itself, the second on the cleanup's first DELETE: within a window far longer than any run, it is
 * the same Ctrl-C and the cleanup goes on without a word; past a 1 ms window, the control, it is a
 * second Ctrl-C, which says what is left while the cleanup goes on.
 */
describe('a second SIGINT under npm exec', () => {
  test.for([
    ['within the window is the same interrupt', '600000', 0],
    ['control: past the window is a second interrupt', '1', 1],
  ] as const)('%s, and the cleanup removes everything', { timeout: HANG_GUARD_MS }, async ([, windowMs, saysWhatIsLeft]) => {
    const tag = randomUUID();
    let firstSent = false;
    let secondSent = false;
    const target = await startRecordingServer({
      breakage: async (request, service) => {
        // Only an interrupted run's cleanup lists users by externalId (src/suite/sweep.ts).
        const cleaning = request.method === 'DELETE' && target.calls.some((call) => new URLSearchParams(call.query).get('filter')?.startsWith('externalId sw') === true);
        if (cleaning && firstSent && !secondSent) {
          secondSent = true;
          await pastThisMillisecond();
          run.child.kill('SIGINT');
          if (saysWhatIsLeft > 0) while (!run.output.includes('Left on the server so far:')) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const response = service.handle(request);
        if (!firstSent && createdCount(target) >= 2 && request.method === 'POST' && response.status === 201) {
          firstSent = true;
          run.child.kill('SIGINT');
        }
        return response;
      },
    });
    servers.push(target);
    const bystandersBefore = bystanders(target.service);
    const run = startRun(target, tag, { npm_command: 'exec', SCIMC_SAME_INTERRUPT_MS: windowMs, SCIMC_INTERRUPT_GRACE_MS: '120000' });
    const { code, survivors } = await endOf(run, tag);
    const said = (text: string) => run.output.split(text).length - 1;
    expect(secondSent, run.output).toBe(true);
    expect(said("SIGINT: removing this run's test data"), run.output).toBe(1);
    expect(said("SIGINT: still removing this run's test data. Left on the server so far:"), run.output).toBe(saysWhatIsLeft);
    expect(run.output).not.toContain("stopped before this run's test data was removed");
    expect({ code, survivors, left: leftovers(target.service) }).toEqual({ code: 130, survivors: [], left: [] });
    expect(bystanders(target.service)).toBe(bystandersBefore);
  });
});
