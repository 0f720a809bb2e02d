/**
 * `npm run bench`: not a timed test, a measurement.
 *
 * 1. The full write-enabled run against the reference server behind a proxy that adds 100 ms to
 *    every request: requests sent, checks run, wall time, and the ratio of wall time to the critical
 *    path. The critical path is measured, not guessed: the same run with no in-flight or per-second
 *    limit, so that only the order the checks themselves need (and Vitest's start-up) remains.
 * 2. The paging walk over 10,000 users (and 2,500 and 5,000, to show time is linear): requests,
 *    wall time, peak memory of the walking process.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { demoSeed, startReferenceServer } from '../src/reference-server/index.js';
import { runSuites } from '../test/support/run-suite.js';

const DELAY_MS = 100;
const say = (line: string) => process.stdout.write(`${line}\n`);

interface DelayProxy {
  baseUrl: string;
  requests: number;
  close(): Promise<void>;
}

/** A reverse proxy in front of `target` that holds every request DELAY_MS before forwarding it. */
async function delayProxy(target: string): Promise<DelayProxy> {
  const upstream = new URL(target);
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    setTimeout(() => {
      const forward = request(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.writeHead(502).end());
      req.pipe(forward);
    }, DELAY_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${upstream.pathname}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function suiteRun(limits: Record<string, string>): Promise<{ requests: number; checks: number; tests: number; wallMs: number; exitCode: number | null }> {
  const token = randomBytes(18).toString('base64url');
  const reference = await startReferenceServer({ token, seed: demoSeed() });
  const proxy = await delayProxy(reference.baseUrl);
  try {
    const run = await runSuites({ SCIM_BASE_URL: proxy.baseUrl, SCIM_TOKEN: token, SCIM_WRITE: 'true', ...limits });
    const checks = run.tests.filter((t) => t.status === 'passed' || t.status === 'failed').length;
    return { requests: proxy.requests, checks, tests: run.tests.length, wallMs: run.durationMs, exitCode: run.exitCode };
  } finally {
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
const polite = await suiteRun({});
const unlimited = await suiteRun({ SCIM_MAX_IN_FLIGHT: '1000', SCIM_MAX_RPS: '100000' });
say(`   requests sent:  ${polite.requests}`);
say(`   checks run:     ${polite.checks} (of ${polite.tests} tests; the rest skipped with a reason)`);
say(`   requests/check: ${(polite.requests / Math.max(1, polite.checks)).toFixed(2)} (goal: below 1)`);
say(`   wall time:      ${(polite.wallMs / 1000).toFixed(2)} s with the default limits (4 in flight, 20 per second)`);
say(`   critical path:  ${(unlimited.wallMs / 1000).toFixed(2)} s (the same run without limits; ${unlimited.requests} requests)`);
say(`   ratio:          ${(polite.wallMs / unlimited.wallMs).toFixed(2)} (goal: at most 1.5)`);
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
