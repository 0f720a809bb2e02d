/**
 * `npm run bench`: not a timed test, a measurement.
 *
 * 1. The full write-enabled run against the reference server behind a proxy that adds 100 ms to
 *    every request, once with the default politeness limits and TIMED_RUNS times with them
 *    lifted: requests sent, checks run, wall time, and the ratio of wall time to the critical path.
 *    The critical path is the longest chain of requests that must follow one another, read from the
 *    run's HAR (bench/chain.ts), times 100 ms. Beside it, what Vitest alone takes on this machine.
 * 2. The paging walk over 10,000 users (and 2,500 and 5,000, to show time is linear): requests,
 *    wall time, peak memory of the walking process.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../src/config.js';
import { demoSeed, startReferenceServer } from '../src/reference-server/index.js';
import { SUITE_POOL, suiteWorkers } from '../src/suite/share.js';
import { runSuites, VITEST } from '../test/support/run-suite.js';
import { delayProxy } from './delay-proxy.js';
import { criticalPath, networkWindowMs, requestsOfHar, SETUP, specStartMs, type CriticalPath } from './chain.js';

const DELAY_MS = 100;
/** Timed runs are repeated this many times; the median is the figure. */
const TIMED_RUNS = 5;
const say = (line: string) => process.stdout.write(`${line}\n`);

interface SuiteFigures {
  requests: number;
  checks: number;
  tests: number;
  wallMs: number;
  /** From starting Vitest to the first request (the preflight). */
  firstRequestMs: number;
  networkMs: number;
  /** Into the network time, when the first spec file sent its first request. */
  specStartMs: number;
  /** Sent by the spec files (the rest by the global setup: preflight, shared reads, sweep). */
  specRequests: number;
  critical: CriticalPath;
  exitCode: number | null;
}

async function suiteRun(limits: { inFlight: number; rps: number }): Promise<SuiteFigures> {
  const token = randomBytes(18).toString('base64url');
  const reference = await startReferenceServer({ token, seed: demoSeed() });
  const proxy = await delayProxy(reference.baseUrl, DELAY_MS);
  const reportDir = await mkdtemp(join(tmpdir(), 'scimc-bench-'));
  try {
    const started = Date.now();
    const run = await runSuites({
      SCIM_BASE_URL: proxy.baseUrl,
      SCIM_TOKEN: token,
      SCIM_WRITE: 'true',
      SCIM_MAX_IN_FLIGHT: String(limits.inFlight),
      SCIM_MAX_RPS: String(limits.rps),
      SCIM_REPORTS: 'har',
      SCIM_REPORT_DIR: reportDir,
    });
    const requests = requestsOfHar(JSON.parse(await readFile(join(reportDir, 'exchanges.har'), 'utf8')));
    const checks = run.tests.filter((t) => t.status === 'passed' || t.status === 'failed').length;
    return {
      requests: proxy.requests,
      checks,
      tests: run.tests.length,
      wallMs: run.durationMs,
      firstRequestMs: Math.min(...requests.map((r) => r.startMs)) - started,
      networkMs: networkWindowMs(requests),
      specStartMs: specStartMs(requests),
      specRequests: requests.filter((request) => request.sentBy !== SETUP).length,
      critical: criticalPath(requests),
      exitCode: run.exitCode,
    };
  } finally {
    await rm(reportDir, { recursive: true, force: true });
    await proxy.close();
    await reference.close();
  }
}

/**
 * What Vitest itself takes on this machine, with none of our code: as many empty spec files as the
 * suite has, in the same pool and number of workers. No run of the suite can end sooner than this
 * plus the critical path.
 */
async function vitestAlone(workers: number): Promise<{ files: number; wallMs: number }> {
  const specs = (await readdir(fileURLToPath(new URL('../suites', import.meta.url)))).filter((name) => name.endsWith('.spec.ts'));
  const dir = await mkdtemp(join(tmpdir(), 'scimc-bench-empty-'));
  try {
    await Promise.all(specs.map((name) => writeFile(join(dir, name.replace(/\.ts$/, '.js')), "test('empty', () => {});\n")));
    // Vitest's globals: a file outside the project cannot import vitest.
    const test = { include: ['*.spec.js'], globals: true, pool: SUITE_POOL, maxWorkers: workers, isolate: false };
    await writeFile(join(dir, 'vitest.config.mjs'), `export default ${JSON.stringify({ test })};\n`);
    const times: number[] = [];
    for (let i = 0; i < TIMED_RUNS; i++) {
      const started = Date.now();
      await promisify(execFile)(process.execPath, [VITEST, 'run', '--root', dir, '--config', join(dir, 'vitest.config.mjs')], { env: { ...process.env, CI: 'true' } });
      times.push(Date.now() - started);
    }
    // One run alone says as much about the machine's other work as about Vitest.
    return { files: specs.length, wallMs: median(times.sort((a, b) => a - b)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The middle of a sorted, non-empty list. */
function median<T>(sorted: readonly T[]): T {
  return sorted[Math.floor(sorted.length / 2)] as T;
}

function syntheticUsers(count: number): object[] {
  return Array.from({ length: count }, (_, i) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `bench.user${i}@example.com`,
    name: { givenName: 'Bench', familyName: `User${i}` },
    emails: [{ value: `bench.user${i}@example.com`, type: 'work', primary: true }],
    active: true,
  }));
}

async function walk(users: number): Promise<{ users: number; requests: number; wallMs: number; peakRssMb: number; peakHeapMb: number; firstPageMs: number; lastPageMs: number }> {
  const token = randomBytes(18).toString('base64url');
  const reference = await startReferenceServer({ token, seed: { users: syntheticUsers(users) } });
  try {
    const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
    const walker = fileURLToPath(new URL('./walk.ts', import.meta.url));
    // Asynchronous: the reference server in this process must keep answering.
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [tsx, walker, reference.baseUrl, token], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`walk exited with ${code}`))));
    });
    return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Awaited<ReturnType<typeof walk>>;
  } finally {
    await reference.close();
  }
}

function machine(): string {
  let nproc = String(cpus().length);
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // cpus() is close enough where nproc is missing
  }
  return `${nproc} CPUs (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
}

say(`scim-conformance bench on ${machine()}`);
say('');
say(`1. Full write-enabled run, reference server behind a proxy adding ${DELAY_MS} ms to every request`);
const polite = await suiteRun({ inFlight: DEFAULT_LIMITS.maxInFlight, rps: DEFAULT_LIMITS.maxRps });
// Start-up on a small machine varies from run to run by a few tenths of a second: the run with the
// median wall time gives the figures, and the range is printed with it.
const liftedRuns: SuiteFigures[] = [];
for (let i = 0; i < TIMED_RUNS; i++) liftedRuns.push(await suiteRun({ inFlight: 1000, rps: 100_000 }));
liftedRuns.sort((a, b) => a.wallMs - b.wallMs);
const lifted = median(liftedRuns);
const liftedWorkers = suiteWorkers({ maxInFlight: 1000 });
const alone = await vitestAlone(liftedWorkers);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
for (const [name, run] of [['default limits', polite], ...liftedRuns.map((run) => ['limits lifted', run] as const)] as const) {
  // Figures of a run that failed checks would measure the failure, not the suite.
  if (run.exitCode !== 0) say(`   ⚠ the run with ${name} exited ${run.exitCode}: the reference server failed checks, so these figures are suspect`);
}
const { critical } = lifted;
const criticalMs = critical.length * DELAY_MS;
/** From the spec files' first request to the last answer: the setup's requests are done by then. */
const specPhaseMs = (run: SuiteFigures) => run.networkMs - run.specStartMs;
// Under the default limits no schedule of the spec files' requests can beat the rate limit or the
// in-flight limit either.
const politeBoundMs = Math.max(
  critical.longestSpec.length * DELAY_MS,
  (polite.specRequests / DEFAULT_LIMITS.maxRps) * 1000,
  (polite.specRequests * DELAY_MS) / DEFAULT_LIMITS.maxInFlight,
);
say(`   requests sent:   ${polite.requests} (the preflight and the sweep for leftovers included)`);
say(`   checks run:      ${polite.checks} (of ${polite.tests} tests; the rest skipped with a reason)`);
say(`   requests/check:  ${(polite.requests / Math.max(1, polite.checks)).toFixed(2)} (goal: below 1)`);
say(
  `   critical path:   ${critical.length} requests that must follow one another (global setup ${critical.setup}, ` +
    `${critical.longestSpec.sentBy} ${critical.longestSpec.length}) × ${DELAY_MS} ms = ${seconds(criticalMs)}`,
);
say(
  `   limits lifted:   wall time ${seconds(lifted.wallMs)}, ${(lifted.wallMs / criticalMs).toFixed(2)}× the critical path (goal: at most 1.5); ` +
    `the median of ${TIMED_RUNS} runs, which took ${seconds(liftedRuns[0]?.wallMs ?? 0)} to ${seconds(liftedRuns.at(-1)?.wallMs ?? 0)}`,
);
// Where the wall time goes: the setup's requests overlap the workers' start-up, so it is the spec
// files' first request, not the preflight, that the rest of the run waits for.
const specFirstMs = lifted.firstRequestMs + lifted.specStartMs;
say(`                    ${seconds(lifted.firstRequestMs)} to the preflight's first request (Vitest starting, then the global setup)`);
say(`                    ${seconds(specFirstMs)} to the spec files' first request (${liftedWorkers} worker ${SUITE_POOL} starting: Vitest's runtime, then our modules)`);
say(
  `                    ${seconds(specPhaseMs(lifted))} from there to the last answer, for ${critical.longestSpec.sentBy}'s chain of ${critical.longestSpec.length} ` +
    `(${seconds(critical.longestSpec.length * DELAY_MS)} of network alone); ${seconds(lifted.wallMs - lifted.firstRequestMs - lifted.networkMs)} more to exit`,
);
const leastMs = alone.wallMs + criticalMs;
say(
  `                    Vitest alone, ${alone.files} empty spec files in ${liftedWorkers} ${SUITE_POOL}, takes ${seconds(alone.wallMs)} here: ` +
    `no run can end before ${seconds(leastMs)}, ${(leastMs / criticalMs).toFixed(2)}× the critical path`,
);
say(
  `   default limits:  the spec files' requests took ${seconds(specPhaseMs(polite))}, ${(specPhaseMs(polite) / politeBoundMs).toFixed(2)}× the least time the limits allow ` +
    `(${polite.specRequests} requests at ${DEFAULT_LIMITS.maxRps} a second: ${seconds(politeBoundMs)})`,
);
say(`                    wall time ${seconds(polite.wallMs)} with Vitest's start-up`);
say('');
say('2. Paging walk over GET /Users, count=100, one page at a time (as Okta imports)');
const walks = [];
for (const users of [2_500, 5_000, 10_000]) {
  const result = await walk(users);
  walks.push(result);
  say(
    `   ${String(result.users).padStart(6)} users: ${result.requests} requests, ${(result.wallMs / 1000).toFixed(2)} s, ` +
      `${((result.wallMs / result.users) * 1000).toFixed(0)} µs per user, peak RSS ${result.peakRssMb.toFixed(0)} MB (heap ${result.peakHeapMb.toFixed(0)} MB); ` +
      `request time: first page ${result.firstPageMs} ms, last page ${result.lastPageMs} ms`,
  );
}
const [small, , large] = walks;
if (small !== undefined && large !== undefined) {
  say(`   time per user, 10,000 vs 2,500: ${((large.wallMs / large.users) / (small.wallMs / small.users)).toFixed(2)}× (1.0 is linear)`);
}
