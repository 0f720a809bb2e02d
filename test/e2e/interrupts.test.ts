/**
 * A write run through the bin (`node bin/scim-conformance.js`, as npx runs it), interrupted at 20
 * points chosen by counting the write requests the server has received, with SIGINT or SIGTERM sent
 * to the bin alone (as npx and a container's stop send them). At some points a second signal
 * follows while the run cleans up (it must say what is left), and a third (it must stop at once,
 * saying the same). In every case: what the run created is gone or named as left with the cleanup
 * command, the users and groups that were there before are untouched, and no process of the run
 * is left.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WRITE_SPEC_PATHS } from '../../src/checks/spec-files.js';
import { bystanders, bystanderSeed, leftovers, RECORDING_TOKEN, startRecordingServer, type RecordingServer } from '../servers/recording.js';
import type { ScimResponse } from '../../src/reference-server/types.js';
import { leftLines } from '../../src/suite/interrupt.js';
import { PROJECT_ROOT, twoAtATime, userEnv } from '../support/run-suite.js';

const BIN = join(PROJECT_ROOT, 'bin', 'scim-conformance.js');
const WRITE_SPECS = [...WRITE_SPEC_PATHS];
/**
 * Every write spec file, in two worker threads instead of the run's default five: the run keeps its
 * default bound of requests in flight and sends them from more than one thread, so an interrupt
 * still has several threads' requests to stop, while each of the 21 runs starts three fewer
 * workers (each loads the whole suite).
 */
const RUN_ARGS = ['--reporter=dot', '--maxWorkers=2', ...WRITE_SPECS];
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const POINTS = 20;
/** Only against a hang: every run ends on its own well before. */
const HANG_GUARD_MS = 180_000;
/**
 * The time an interrupted run has to clean up, long enough for any machine: what is checked here
 * is what each signal does, not whether a loaded machine cleans up within a container's 10 s
 * (test/e2e/bin.test.ts checks what the run says when it does not).
 */
const GRACE_MS = '120000';
const CLEANUP_COMMAND = 'npx scim-conformance cleanup';
const TAG_ENV = 'SCIMC_INTERRUPT_TEST_TAG';
const BYSTANDER_IDS = [...bystanderSeed().users, ...bystanderSeed().groups].map((r) => String((r as Record<string, unknown>)['id']));

interface Point {
  /** The write request (1-based) on whose arrival the first signal is sent. */
  write: number;
  signal: 'SIGINT' | 'SIGTERM';
  /** 1: interrupt; 2: again while cleaning up; 3: once more after it said what is left. */
  signals: 1 | 2 | 3;
}

interface Outcome {
  exitCode: number | null;
  output: string;
  signalsSent: number;
  /** Names of the run's resources still on the server at the end. */
  left: string[];
  bystandersBefore: string;
  bystandersAfter: string;
  /** PUT, PATCH and DELETE requests to a resource that was there before the run. */
  bystanderWrites: string[];
  /** Processes of the run still alive once the bin exited. */
  survivors: string[];
}

let cwd: string | undefined;
let writesInAFullRun: number;
const outcomes = new Map<Point, Outcome>();
const servers: RecordingServer[] = [];

/** Processes (not zombies) whose environment carries `tag`: the bin and everything it started. */
async function processesTagged(tag: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (!environ.includes(`${TAG_ENV}=${tag}`)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state !== '' && state !== 'Z') found.push(`${pid} ${(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ')}`);
  }
  return found;
}

/** The run's interrupted cleanup alone lists users by externalId (src/suite/sweep.ts, byExternalId). */
function isCleanupListing(method: string, query: URLSearchParams): boolean {
  return method === 'GET' && (query.get('filter') ?? '').startsWith('externalId sw');
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** A write run through the bin, interrupted as `point` says (none: run to the end); resolves once the bin has exited. */
async function runThroughBin(point: Point | undefined): Promise<Outcome & { writes: number }> {
  const tag = randomUUID();
  let signalsSent = 0;
  let writes = 0;
  let cleanupListed = false;
  let output = '';
  const saidWhatIsLeft = deferred();
  const exited = deferred();
  const send = () => {
    if (point === undefined || signalsSent >= point.signals) return;
    signalsSent += 1;
    child.kill(point.signal);
  };
  /**
   * Signals the cleanup while the server holds its request: it must say what is left before it
   * gets an answer, and, at a third signal, stop without one (it gets a 503 once the run is gone).
   */
  const signalTheCleanup = async (): Promise<ScimResponse | undefined> => {
    send();
    await saidWhatIsLeft.promise;
    if (point?.signals !== 3) return undefined;
    send();
    await exited.promise;
    return { status: 503, headers: { 'content-type': 'text/plain' }, body: 'the run is gone' };
  };
  const server = await startRecordingServer({
    breakage: async (request, service) => {
      const write = WRITE_METHODS.has(request.method);
      if (write) writes += 1;
      if (signalsSent === 0 && write && writes === point?.write) send();
      const secondSignalDue = signalsSent === 1 && (point?.signals ?? 1) >= 2;
      // At its first DELETE; or, when it has nothing to delete, at its listing.
      const listing = isCleanupListing(request.method, request.query);
      cleanupListed ||= listing;
      const cleanupRequest = (listing && leftovers(service).length === 0) || (cleanupListed && request.method === 'DELETE');
      const held = secondSignalDue && cleanupRequest ? await signalTheCleanup() : undefined;
      return held ?? service.handle(request);
    },
  });
  servers.push(server);
  const bystandersBefore = bystanders(server.service);
  const child = spawn(process.execPath, [BIN, ...RUN_ARGS], {
    cwd,
    // Not npm's `exec`, whatever ran these tests: under npx the bin takes two signals 100 ms apart as one Ctrl-C.
    env: userEnv({
      SCIM_BASE_URL: server.baseUrl,
      SCIM_TOKEN: RECORDING_TOKEN,
      SCIM_WRITE: 'true',
      SCIM_MAX_RPS: '1000',
      SCIMC_INTERRUPT_GRACE_MS: GRACE_MS,
      npm_command: '',
      [TAG_ENV]: tag,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('Left on the server so far:')) saidWhatIsLeft.resolve();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`the run did not end within ${HANG_GUARD_MS} ms:\n${output}`)), HANG_GUARD_MS);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve(code);
    });
  });
  exited.resolve();
  // A run that never said what is left (it failed) leaves no request held for ever.
  saidWhatIsLeft.resolve();
  const survivors = await processesTagged(tag);
  return {
    exitCode,
    output,
    signalsSent,
    writes,
    left: leftovers(server.service),
    bystandersBefore,
    bystandersAfter: bystanders(server.service),
    bystanderWrites: server.calls
      .filter((call) => call.method !== 'POST' && WRITE_METHODS.has(call.method) && BYSTANDER_IDS.some((id) => call.path.includes(id)))
      .map((call) => `${call.method} ${call.path}`),
    survivors,
  };
}

/** 20 points spread over the writes of a full run, from the first to the last. */
function pointsOver(writes: number): Point[] {
  return Array.from({ length: POINTS }, (_, index) => ({
    write: 1 + Math.round((index * (writes - 1)) / (POINTS - 1)),
    signal: index % 2 === 0 ? 'SIGINT' : 'SIGTERM',
    signals: ((index % 3) + 1) as Point['signals'],
  }));
}

const points: Point[] = [];

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  if (cwd !== undefined) await rm(cwd, { recursive: true, force: true });
});

/** What went wrong in one interrupted run; [] when nothing did. */
function problemsOf(point: Point, outcome: Outcome): string[] {
  const problems: string[] = [];
  if (outcome.signalsSent !== point.signals)
    problems.push(`${outcome.signalsSent} of ${point.signals} signal(s) sent (the later ones go when the cleanup deletes, then when it says what is left)`);
  if (outcome.exitCode !== (point.signal === 'SIGINT' ? 130 : 143)) problems.push(`exit code ${outcome.exitCode}`);
  if (outcome.survivors.length > 0) problems.push(`processes left running: ${outcome.survivors.join('; ')}`);
  if (outcome.bystanderWrites.length > 0) problems.push(`writes to resources that were there before: ${outcome.bystanderWrites.join(', ')}`);
  if (outcome.bystandersAfter !== outcome.bystandersBefore) problems.push('the resources that were there before changed');
  // Only a third signal may stop the cleanup; what it leaves must be named, with the command that removes it.
  const unnamed = outcome.left.filter((name) => point.signals < 3 || !outcome.output.includes(name));
  if (unnamed.length > 0) problems.push(`left on the server without being named: ${unnamed.join(', ')}`);
  if (outcome.left.length > 0 && !outcome.output.includes(CLEANUP_COMMAND)) problems.push(`resources left, and no \`${CLEANUP_COMMAND}\` in the output`);
  if (point.signals >= 2 && !outcome.output.includes("still removing this run's test data")) problems.push('the second signal did not say what is left');
  if (point.signals === 3 && !outcome.output.includes("stopped before this run's test data was removed")) problems.push('the third signal did not stop the cleanup');
  if (outcome.output.includes(RECORDING_TOKEN)) problems.push('the token was printed');
  return problems;
}

test('what is left is named with the control characters a server put in its names and ids escaped', () => {
  const lines = leftLines([{ kind: 'Users', id: 'id\u009b2J', name: 'scimc-mx5a2r8d-899648-x\u001b[2J\nVerdict  Okta: ready' }], 'scimc-mx5a2r8d-899648-');
  expect(lines).toEqual(['  user scimc-mx5a2r8d-899648-x\\u001b[2J\\u000aVerdict  Okta: ready (id id\\u009b2J)']);
});

describe('a write run interrupted through the bin', () => {
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'scimc-interrupts-'));
    const full = await runThroughBin(undefined);
    writesInAFullRun = full.writes;
    points.push(...pointsOver(full.writes));
    await twoAtATime(points, async (point) => {
      outcomes.set(point, await runThroughBin(point));
    });
  }, 20 * 60_000);

  test('an uninterrupted run sends enough writes to place 20 distinct points', () => {
    expect(new Set(points.map((point) => point.write)).size).toBe(POINTS);
    expect(writesInAFullRun).toBeGreaterThanOrEqual(POINTS);
  });

  test.for(Array.from({ length: POINTS }, (_, index) => index))('at point %i: nothing left unnamed, no bystander touched, no process left', (index) => {
    const point = points[index];
    const outcome = point === undefined ? undefined : outcomes.get(point);
    if (point === undefined || outcome === undefined) throw new Error(`no run for point ${index}`);
    expect(problemsOf(point, outcome), `${point.signal} at write ${point.write}, ${point.signals} signal(s):\n${outcome.output.slice(-3000)}`).toEqual([]);
  });
});
