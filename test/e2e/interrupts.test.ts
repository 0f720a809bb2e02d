/**
 * A write run through `npx scim-conformance`, from a project with the package installed, as users
 * meet it, interrupted at 20 points chosen by counting the write requests the server has received.
 * At the SIGINT points it is a Ctrl-C: SIGINT to the whole job (npm, its shell and the bin), as a
 * terminal sends it. At the SIGTERM points it is a container's stop: SIGTERM to npx alone, which
 * ends npm at once; the bin notices that it lost its parent and stops the run. At some points a
 * second signal follows while the run cleans up (it must say what is left), and a third (it must
 * stop at once, saying the same): a Ctrl-C again, or SIGTERM to what is left of the job once npm
 * is gone. In every case, once the last process of the run has ended: what the run created is
 * gone or named as left with the cleanup command, the users and groups that were there before are
 * untouched, and no process of the run is left. Each signal is sent on an event (a write, the
 * cleanup's requests, the run's own lines), never after a delay.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WRITE_SPEC_PATHS } from '../../src/checks/spec-files.js';
import { bystanders, bystanderSeed, leftovers, RECORDING_TOKEN, startRecordingServer, type RecordingServer } from '../servers/recording.js';
import type { ScimResponse } from '../../src/reference-server/types.js';
import { leftLines } from '../../src/suite/interrupt.js';
import { twoAtATime } from '../support/run-suite.js';
import { processesWithEnv, projectWithThePackage, startNpx, userShellEnv, type NpxRun } from './support-npx.js';

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
/**
 * The bin takes two signals within SCIMC_SAME_INTERRUPT_MS (100 ms under npx) as one Ctrl-C that
 * reached it twice: from the terminal, and passed on by an npm that signals the bin itself. The
 * npm here passes it to the shell it runs the bin in, which holds it until the bin ends: each
 * Ctrl-C reaches the bin once, and so does each SIGTERM once npm is gone, so there is nothing to
 * merge. The second signal goes when the cleanup's first request arrives, which may be sooner
 * than 100 ms after the first, and the third as soon as the run says what is left: with 1 ms (the
 * least there is: 0 means the default) and each sent past the millisecond of the event it goes
 * on (pastThisMillisecond), every signal the test sends counts, however fast the cleanup gets
 * there. That each one counted once is asserted (problemsOf: acknowledged once).
 */
const SAME_INTERRUPT_MS = '1';
const CLEANUP_COMMAND = 'npx scim-conformance cleanup';
/** What the run prints at a second signal, and (`Left on the server:`) at a third. */
const LEFT_SO_FAR = 'Left on the server so far:';
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
  /** How npx ended: the signal npm ends itself with, which a shell reports as 130 or 143. */
  npxEnd: number | NodeJS.Signals | null;
  output: string;
  signalsSent: number;
  /** Names of the run's resources still on the server at the end. */
  left: string[];
  bystandersBefore: string;
  bystandersAfter: string;
  /** PUT, PATCH and DELETE requests to a resource that was there before the run. */
  bystanderWrites: string[];
  /** Processes of the run still alive once its last one ended. */
  survivors: string[];
}

let project: string | undefined;
let writesInAFullRun: number;
const outcomes = new Map<Point, Outcome>();
const servers: RecordingServer[] = [];

/** The run's interrupted cleanup alone lists users by externalId (src/suite/sweep.ts, byExternalId). */
function isCleanupListing(method: string, query: URLSearchParams): boolean {
  return method === 'GET' && (query.get('filter') ?? '').startsWith('externalId sw');
}

/**
 * The point's `nth` signal, as users send it: a Ctrl-C to the whole job; a container's stop to npx
 * alone, and what follows it to what is left of the job once npm is gone (the bin).
 */
function interrupt(run: NpxRun, point: Point, nth: number): void {
  if (point.signal === 'SIGINT') run.ctrlC();
  else if (nth === 1) run.child.kill('SIGTERM');
  else run.signalJob('SIGTERM');
}

/** Whether the run said `text` before it ended (one that ends without saying it has failed: problemsOf tells). */
function saidBeforeItEnded(run: NpxRun, text: string): Promise<boolean> {
  return Promise.race([run.said(text).then(() => true), run.ended.then(() => false)]);
}

/**
 * Resolves once this clock has passed the millisecond it reads now. A later signal goes on an
 * event that comes after the bin took the one before (the cleanup's request, the run's line):
 * sent past that event's millisecond, it reaches the bin at least SAME_INTERRUPT_MS (1 ms) after
 * the one before, on the same clock, so the bin never merges the two, however fast the machine.
 */
async function pastThisMillisecond(): Promise<void> {
  const now = Date.now();
  while (Date.now() <= now) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** Resolves with how npx ended once the last process of the run has ended (NpxRun.ended). */
function endOf(run: NpxRun): Promise<Outcome['npxEnd']> {
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`the run did not end within ${HANG_GUARD_MS} ms:\n${run.output}`)), HANG_GUARD_MS);
    void run.ended.then((end) => {
      clearTimeout(guard);
      resolve(end);
    });
  });
}

/** A write run through npx, interrupted as `point` says (none: run to the end); resolves once its last process has ended. */
async function runThroughNpx(point: Point | undefined): Promise<Outcome & { writes: number }> {
  if (project === undefined) throw new Error('no project to run in');
  const tag = randomUUID();
  let signalsSent = 0;
  let writes = 0;
  let cleanupListed = false;
  const send = () => {
    if (point === undefined || signalsSent >= point.signals) return;
    signalsSent += 1;
    interrupt(run, point, signalsSent);
  };
  /**
   * The first signal, on the arrival of the point's write, which is answered once the run says it
   * got the signal: the run cannot end on its own first. (A SIGTERM to npx reaches the run only
   * once the bin has noticed that npm is gone, which it checks for every 100 ms.)
   */
  const interruptTheRun = async () => {
    send();
    await saidBeforeItEnded(run, `${point?.signal}: removing this run's test data`);
  };
  /**
   * Signals the cleanup while the server holds its request: it must say what is left before it
   * gets an answer, and, at a third signal, stop without one (it gets a 503 once the run is gone).
   * A run that ends without saying it leaves no request held for ever.
   */
  const signalTheCleanup = async (): Promise<ScimResponse | undefined> => {
    await pastThisMillisecond();
    send();
    if (!(await saidBeforeItEnded(run, LEFT_SO_FAR)) || point?.signals !== 3) return undefined;
    await pastThisMillisecond();
    send();
    await run.ended;
    return { status: 503, headers: { 'content-type': 'text/plain' }, body: 'the run is gone' };
  };
  const server = await startRecordingServer({
    breakage: async (request, service) => {
      const write = WRITE_METHODS.has(request.method);
      if (write) writes += 1;
      if (signalsSent === 0 && write && writes === point?.write) await interruptTheRun();
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
  const run = startNpx(
    project,
    RUN_ARGS,
    userShellEnv({
      SCIM_BASE_URL: server.baseUrl,
      SCIM_TOKEN: RECORDING_TOKEN,
      SCIM_WRITE: 'true',
      SCIM_MAX_RPS: '1000',
      SCIMC_INTERRUPT_GRACE_MS: GRACE_MS,
      SCIMC_SAME_INTERRUPT_MS: SAME_INTERRUPT_MS,
      [TAG_ENV]: tag,
    }),
  );
  const npxEnd = await endOf(run);
  return {
    npxEnd,
    output: run.output,
    signalsSent,
    writes,
    left: leftovers(server.service),
    bystandersBefore,
    bystandersAfter: bystanders(server.service),
    bystanderWrites: server.calls
      .filter((call) => call.method !== 'POST' && WRITE_METHODS.has(call.method) && BYSTANDER_IDS.some((id) => call.path.includes(id)))
      .map((call) => `${call.method} ${call.path}`),
    survivors: await processesWithEnv(TAG_ENV, tag),
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
  if (project !== undefined) await rm(project, { recursive: true, force: true });
});

/** What went wrong in one interrupted run; [] when nothing did. */
function problemsOf(point: Point, outcome: Outcome): string[] {
  const problems: string[] = [];
  if (outcome.signalsSent !== point.signals)
    problems.push(`${outcome.signalsSent} of ${point.signals} signal(s) sent (the later ones go when the cleanup deletes, then when it says what is left)`);
  // The bin's own exit code does not reach the caller through npx: a Ctrl-C ends npm's shell, and
  // with it npm, on the SIGINT; a SIGTERM ends npm at once, before the run has stopped.
  if (outcome.npxEnd !== point.signal) problems.push(`npx ended with ${outcome.npxEnd}, not ${point.signal}`);
  if (outcome.survivors.length > 0) problems.push(`processes left running: ${outcome.survivors.join('; ')}`);
  if (outcome.bystanderWrites.length > 0) problems.push(`writes to resources that were there before: ${outcome.bystanderWrites.join(', ')}`);
  if (outcome.bystandersAfter !== outcome.bystandersBefore) problems.push('the resources that were there before changed');
  // Only a third signal may stop the cleanup; what it leaves must be named, with the command that removes it.
  const unnamed = outcome.left.filter((name) => point.signals < 3 || !outcome.output.includes(name));
  if (unnamed.length > 0) problems.push(`left on the server without being named: ${unnamed.join(', ')}`);
  if (outcome.left.length > 0 && !outcome.output.includes(CLEANUP_COMMAND)) problems.push(`resources left, and no \`${CLEANUP_COMMAND}\` in the output`);
  // Each signal acknowledged once: one taken for two would stop a cleanup that should go on.
  const said = (text: string) => outcome.output.split(text).length - 1;
  const firstAcknowledged = said(`${point.signal}: removing this run's test data`);
  if (firstAcknowledged !== 1) problems.push(`the first signal was acknowledged ${firstAcknowledged} times`);
  if (said(`${point.signal}: still removing this run's test data. ${LEFT_SO_FAR}`) !== (point.signals >= 2 ? 1 : 0))
    problems.push('the second signal did not say what is left, once');
  if (said(`${point.signal} again: stopped before this run's test data was removed`) !== (point.signals === 3 ? 1 : 0))
    problems.push('the third signal did not stop the cleanup, once');
  if (outcome.output.includes(RECORDING_TOKEN)) problems.push('the token was printed');
  return problems;
}

test('what is left is named with the control characters a server put in its names and ids escaped', () => {
  const lines = leftLines([{ kind: 'Users', id: 'id\u009b2J', name: 'scimc-mx5a2r8d-899648-x\u001b[2J\nVerdict  Okta: ready' }], 'scimc-mx5a2r8d-899648-');
  expect(lines).toEqual(['  user scimc-mx5a2r8d-899648-x\\u001b[2J\\u000aVerdict  Okta: ready (id id\\u009b2J)']);
});

describe('a write run interrupted through npx', () => {
  beforeAll(async () => {
    project = await projectWithThePackage();
    const full = await runThroughNpx(undefined);
    writesInAFullRun = full.writes;
    points.push(...pointsOver(full.writes));
    await twoAtATime(points, async (point) => {
      outcomes.set(point, await runThroughNpx(point));
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
