/**
 * `npm run bench`: not a timed test, a measurement, in one process and side by side.
 *
 * 1. The full write run (SCIM_WRITE=true) with default settings, as a team runs it from the
 *    installed package (`npx scim-conformance`, our compiled JavaScript) and as this repo runs it
 *    from the TypeScript sources (`npx vitest run`), and Okta's own SPEC test (okta-runscope.mjs),
 *    against the reference server locally and behind a proxy that adds 100 ms to every request. Per row: wall time, requests, checks, the critical path (the longest chain of
 *    requests that must follow one another, times the delay) and the ratios.
 * 2. The paging walk over GET /Users (Okta's import), to show its time grows linearly.
 *
 * Each row is run RUNS times, the rows interleaved, so that the machine's other work falls on all
 * of them alike; the median is the figure and the range is printed with it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoSeed, startReferenceServer } from '../src/reference-server/index.js';
import { criticalPath, requestsOfHar } from './chain.js';
import { delayProxy } from './delay-proxy.js';
import { installPackage } from './package.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');
/** Beside the project, as the shared folder is laid out: ../shared/tools/okta-runscope.mjs. */
const OKTA_RUNSCOPE = join(ROOT, '../shared/tools/okta-runscope.mjs');
const DELAYS_MS = [0, 100] as const;
const RUNS = 3;
const say = (line: string) => process.stdout.write(`${line}\n`);

interface Figures {
  wallMs: number;
  requests: number;
  checks: number;
  /** Requests in the longest chain of requests that each waited for the one before. */
  chain: number;
  exitCode: number | null;
}

interface Server {
  baseUrl: string;
  token: string;
  close(): Promise<void>;
}

/** A fresh reference server (every write run starts from the same data), `delayMs` away. */
async function referenceServer(delayMs: number): Promise<Server> {
  const token = randomBytes(18).toString('base64url');
  const reference = await startReferenceServer({ token, seed: demoSeed() });
  if (delayMs === 0) return { baseUrl: reference.baseUrl, token, close: reference.close };
  const proxy = await delayProxy(reference.baseUrl, delayMs);
  return {
    baseUrl: proxy.baseUrl,
    token,
    close: async () => {
      await proxy.close();
      await reference.close();
    },
  };
}

/** Runs a child to its end, asynchronously: the reference server in this process must keep answering. */
function timedChild(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<{ wallMs: number; exitCode: number | null; output: string }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ wallMs: Date.now() - started, exitCode, output }));
  });
}

/** The environment without any SCIM_ setting of the bench's caller: the run gets the defaults. */
function defaultsOnly(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SCIM_')));
  return { ...env, CI: 'true', ...extra };
}

interface VitestJson {
  testResults: Array<{ assertionResults: Array<{ status: string }> }>;
}

/** A full write run: `args` to node, in `cwd`. */
async function ourRun(server: Server, args: string[], cwd: string): Promise<Figures> {
  const reportDir = await mkdtemp(join(tmpdir(), 'scimc-bench-'));
  try {
    const env = defaultsOnly({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: server.token, SCIM_WRITE: 'true', SCIM_REPORTS: 'har,json', SCIM_REPORT_DIR: reportDir });
    const { wallMs, exitCode } = await timedChild(args, env, cwd);
    const requests = requestsOfHar(JSON.parse(await readFile(join(reportDir, 'exchanges.har'), 'utf8')));
    const results = JSON.parse(await readFile(join(reportDir, 'results.json'), 'utf8')) as VitestJson;
    const statuses = results.testResults.flatMap((file) => file.assertionResults.map((test) => test.status));
    const checks = statuses.filter((status) => status === 'passed' || status === 'failed').length;
    return { wallMs, requests: requests.length, checks, chain: criticalPath(requests).length, exitCode };
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}

interface RunscopeJson {
  counts: { pass: number; fail: number };
  requests: number;
}

/** Okta's SPEC test, seeded with one user as Okta's guide asks, without its pauses. */
async function oktaSpec(server: Server): Promise<Figures> {
  const dir = await mkdtemp(join(tmpdir(), 'scimc-bench-okta-'));
  try {
    const json = join(dir, 'okta.json');
    const args = [OKTA_RUNSCOPE, '--base', server.baseUrl, '--token', server.token, '--seed', '--no-pause', '--test', 'spec', '--json', json];
    const { wallMs, exitCode } = await timedChild(args, defaultsOnly({}));
    const result = JSON.parse(await readFile(json, 'utf8')) as RunscopeJson;
    // It sends one request at a time: every request waits for the one before.
    return { wallMs, requests: result.requests, checks: result.counts.pass + result.counts.fail, chain: result.requests, exitCode };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The package, installed once for every run of it. */
const installed = await installPackage(ROOT);

type Tester = 'package' | 'source' | 'okta';
const TESTERS: Record<Tester, { name: string; run: (server: Server) => Promise<Figures> }> = {
  package: { name: 'this suite, full write run, defaults: `npx scim-conformance` (the package)', run: (server) => ourRun(server, [installed.bin], installed.project) },
  source: { name: "the same from this repo's sources: `npx vitest run`", run: (server) => ourRun(server, [VITEST, 'run'], ROOT) },
  okta: { name: "Okta's SPEC test (okta-runscope.mjs)", run: oktaSpec },
};
const ours = (tester: Tester) => tester !== 'okta';

async function measureAll(testers: readonly Tester[]): Promise<Map<string, Figures[]>> {
  const runs = new Map<string, Figures[]>();
  for (let round = 0; round < RUNS; round++) {
    for (const delayMs of DELAYS_MS) {
      for (const tester of testers) {
        const server = await referenceServer(delayMs);
        try {
          const figures = await TESTERS[tester].run(server);
          const key = `${tester} ${delayMs}`;
          runs.set(key, [...(runs.get(key) ?? []), figures]);
        } finally {
          await server.close();
        }
      }
    }
  }
  return runs;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '—');

/** The run with the median wall time; its range beside it. */
function median(runs: readonly Figures[]): { figures: Figures; range: string } {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  const figures = sorted[Math.floor(sorted.length / 2)] as Figures;
  return { figures, range: `${seconds(sorted[0]?.wallMs ?? 0)}–${seconds(sorted.at(-1)?.wallMs ?? 0)}` };
}

function printTable(runs: Map<string, Figures[]>, testers: readonly Tester[]): void {
  say('| tester | delay | wall time (median, range) | requests | checks | requests/check | critical path | wall / critical path | ours / Okta SPEC |');
  say('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const delayMs of DELAYS_MS) {
    const okta = runs.get(`okta ${delayMs}`);
    for (const tester of testers) {
      const { figures: f, range } = median(runs.get(`${tester} ${delayMs}`) ?? []);
      const criticalMs = f.chain * delayMs;
      const versusOkta = ours(tester) && okta !== undefined ? ratio(f.wallMs, median(okta).figures.wallMs) : '';
      const failed = f.exitCode === 0 ? '' : ` (exit ${f.exitCode})`;
      say(
        `| ${TESTERS[tester].name}${failed} | ${delayMs} ms | ${seconds(f.wallMs)} (${range}) | ${f.requests} | ${f.checks} | ${(f.requests / Math.max(1, f.checks)).toFixed(2)} | ` +
          `${f.chain} × ${delayMs} ms = ${seconds(criticalMs)} | ${ratio(f.wallMs, criticalMs)} | ${versusOkta} |`,
      );
    }
  }
}

function machine(): string {
  let nproc = String(cpus().length);
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // cpus() is close enough where nproc is missing
  }
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  return `${nproc} CPUs (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${load} at the start`;
}

say(`scim-conformance bench on ${machine()}`);
say('');
say(`1. Full write run and Okta's SPEC test, against the reference server, ${RUNS} runs of each row`);
const testers: Tester[] = ['package', 'source'];
if (existsSync(OKTA_RUNSCOPE)) testers.push('okta');
else say(`   ${OKTA_RUNSCOPE} is absent: Okta's SPEC test is left out`);
const runs = await measureAll(testers).finally(() => installed.remove());
printTable(runs, testers);
for (const [key, figures] of runs) {
  // Figures of a run that failed checks would measure the failure, not the tester.
  if (!key.startsWith('okta') && figures.some((f) => f.exitCode !== 0))
    say(`   ⚠ a run of ${key} ms exited non-zero: the reference server failed checks, so its figures are suspect`);
}
say('');
await pagingWalks();

async function walk(users: number): Promise<{ users: number; requests: number; wallMs: number; peakRssMb: number }> {
  const token = randomBytes(18).toString('base64url');
  const seed = Array.from({ length: users }, (_, i) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `bench.user${i}@example.com`,
    name: { givenName: 'Bench', familyName: `User${i}` },
    active: true,
  }));
  const reference = await startReferenceServer({ token, seed: { users: seed } });
  try {
    const tsx = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
    const { output, exitCode } = await timedChild([tsx, join(ROOT, 'bench/walk.ts'), reference.baseUrl, token], process.env);
    if (exitCode !== 0) throw new Error(`walk exited with ${exitCode}: ${output}`);
    return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Awaited<ReturnType<typeof walk>>;
  } finally {
    await reference.close();
  }
}

async function pagingWalks(): Promise<void> {
  say('2. Paging walk over GET /Users, count=100, one page at a time (as Okta imports)');
  const walks = [];
  for (const users of [2_500, 10_000]) {
    const result = await walk(users);
    walks.push(result);
    say(`   ${String(result.users).padStart(6)} users: ${result.requests} requests, ${seconds(result.wallMs)}, peak RSS ${result.peakRssMb.toFixed(0)} MB`);
  }
  const [small, large] = walks;
  if (small !== undefined && large !== undefined)
    say(`   time per user, 10,000 vs 2,500: ${(large.wallMs / large.users / (small.wallMs / small.users)).toFixed(2)}× (1.0 is linear)`);
}
