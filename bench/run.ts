/**
 * `npm run bench`: not a timed test, a measurement.
 *
 * 1. The full write-enabled run against the reference server behind a proxy that adds 100 ms to
 *    every request, once with the default politeness limits and once with them lifted: requests
 *    sent, checks run, wall time, and the ratio of wall time to the critical path. The critical
 *    path is the longest chain of requests that must follow one another, read from the run's HAR
 *    (bench/chain.ts), times 100 ms.
 * 2. The paging walk over 10,000 users (and 2,500 and 5,000, to show time is linear): requests,
 *    wall time, peak memory of the walking process.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../src/config.js';
import { demoSeed, startReferenceServer } from '../src/reference-server/index.js';
import { runSuites } from '../test/support/run-suite.js';
import { delayProxy } from './delay-proxy.js';
import { criticalPath, networkWindowMs, requestsOfHar, specStartMs, type CriticalPath } from './chain.js';

const DELAY_MS = 100;
const say = (line: string) => process.stdout.write(`${line}\n`);

interface SuiteFigures {
  requests: number;
  checks: number;
  tests: number;
  wallMs: number;
  networkMs: number;
  /** Into the network time, when the first spec file sent its first request. */
  specStartMs: number;
  critical: CriticalPath;
  exitCode: number | null;
}

async function suiteRun(limits: { inFlight: number; rps: number }): Promise<SuiteFigures> {
  const token = randomBytes(18).toString('base64url');
  const reference = await startReferenceServer({ token, seed: demoSeed() });
  const proxy = await delayProxy(reference.baseUrl, DELAY_MS);
  const reportDir = await mkdtemp(join(tmpdir(), 'scimc-bench-'));
  try {
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
      networkMs: networkWindowMs(requests),
      specStartMs: specStartMs(requests),
      critical: criticalPath(requests),
      exitCode: run.exitCode,
    };
  } finally {
    await rm(reportDir, { recursive: true, force: true });
    await proxy.close();
    await reference.close();
  }
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
const lifted = await suiteRun({ inFlight: 1000, rps: 100_000 });
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
for (const [name, run] of [['default limits', polite], ['limits lifted', lifted]] as const) {
  // Figures of a run that failed checks would measure the failure, not the suite.
  if (run.exitCode !== 0) say(`   ⚠ the run with ${name} exited ${run.exitCode}: the reference server failed checks, so these figures are suspect`);
}
const { critical } = lifted;
const criticalMs = critical.length * DELAY_MS;
// Under the default limits no schedule can beat the rate limit or the in-flight limit either.
const politeBoundMs = Math.max(criticalMs, (polite.requests / DEFAULT_LIMITS.maxRps) * 1000, (polite.requests * DELAY_MS) / DEFAULT_LIMITS.maxInFlight);
say(`   requests sent:   ${polite.requests} (the preflight and the sweep for leftovers included)`);
say(`   checks run:      ${polite.checks} (of ${polite.tests} tests; the rest skipped with a reason)`);
say(`   requests/check:  ${(polite.requests / Math.max(1, polite.checks)).toFixed(2)} (goal: below 1)`);
say(
  `   critical path:   ${critical.length} requests that must follow one another (global setup ${critical.setup}, ` +
    `${critical.longestSpec.sentBy} ${critical.longestSpec.length}) × ${DELAY_MS} ms = ${seconds(criticalMs)}`,
);
say(`   limits lifted:   network time ${seconds(lifted.networkMs)}, ${(lifted.networkMs / criticalMs).toFixed(2)}× the critical path (goal: at most 1.5)`);
say(
  `                    of which ${seconds(lifted.specStartMs)} before the first spec file's first request (Vitest starting its workers, ` +
    `while the preflight runs); from there, ${seconds(lifted.networkMs - lifted.specStartMs)} for a longest spec file chain of ` +
    `${seconds(critical.longestSpec.length * DELAY_MS)}, ${((lifted.networkMs - lifted.specStartMs) / (critical.longestSpec.length * DELAY_MS)).toFixed(2)}×`,
);
say(`                    wall time ${seconds(lifted.wallMs)} with Vitest's start-up, ${(lifted.wallMs / criticalMs).toFixed(2)}× the critical path`);
say(
  `   default limits:  network time ${seconds(polite.networkMs)}, ${(polite.networkMs / politeBoundMs).toFixed(2)}× the least time the limits allow ` +
    `(${polite.requests} requests at ${DEFAULT_LIMITS.maxRps} a second: ${seconds(politeBoundMs)})`,
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
