import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../../src/checks/rule.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { EXCHANGE_DIR_ENV } from '../../src/report/exchange-log.js';
import { runVitestInProcess, VitestSession, type Ended } from './in-process.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const VITEST = join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
/** The suite's config, as `npx vitest run` in the project finds it. */
export const SUITE_CONFIG = join(PROJECT_ROOT, 'vitest.config.ts');

export interface TestOutcome {
  name: string;
  /** The spec file, relative to the project: suites/paging.spec.ts. */
  file: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo';
  code: string | undefined;
  findings: Finding[];
  failureMessages: string[];
}

export interface SuiteRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  tests: TestOutcome[];
  /** Codes of the failed checks, in the order the suites list them. */
  failedCodes: string[];
  /** Every finding (failed and warned), by code. */
  findings: Finding[];
  durationMs: number;
}

interface JsonReport {
  testResults: Array<{
    name: string;
    assertionResults: Array<{
      fullName: string;
      status: TestOutcome['status'];
      failureMessages: string[];
      meta?: { code?: string; findings?: Finding[] };
    }>;
  }>;
}

/**
 * The environment of a child run as a user would start it: this process's, without the SCIM_*
 * variables of the shell running our tests or Vitest's own, plain output, and `extra` on top.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SCIM_') && !name.startsWith('VITEST')));
  return { ...inherited, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true', ...extra };
}

interface RunFiles {
  dir: string;
  /** The environment of the run: the user's (userEnv), ours for loopback servers, `env`, and the JSON report. */
  env: NodeJS.ProcessEnv;
  reportFile: string;
}

/** The environment of a run: the user's (userEnv), ours for loopback servers, `env`, and reports in `dir`. */
function runEnv(env: Record<string, string>, dir: string): NodeJS.ProcessEnv {
  // The JSON report comes from SCIM_REPORTS, as a user would ask for it, so the configured
  // reporters (the verdict among them) stay as they are.
  const kinds = env['SCIM_REPORTS'] === 'all' ? 'all' : [env['SCIM_REPORTS'], 'json'].filter(Boolean).join(',');
  // Our servers are on loopback: politeness would only slow our own tests down. Two requests in
  // flight make two workers, not five: each worker loads the suite anew, and the machine has two cores.
  // CI is set (userEnv): the bundled server is asked for by name unless a target is given.
  const ours = { SCIM_MAX_RPS: '1000', SCIM_MAX_IN_FLIGHT: '2', SCIM_BASE_URL: 'bundled' };
  return userEnv({ ...ours, ...env, SCIM_REPORTS: kinds, SCIM_REPORT_DIR: dir });
}

async function runFiles(env: Record<string, string>): Promise<RunFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'scimc-run-'));
  const reportDir = env['SCIM_REPORT_DIR'] ?? dir;
  return { dir, env: runEnv(env, reportDir), reportFile: join(reportDir, 'results.json') };
}

async function suiteRun(ended: Ended, reportFile: string, started: number): Promise<SuiteRun> {
  const report = await readFile(reportFile, 'utf8')
    .then((text) => JSON.parse(text) as JsonReport)
    .catch(() => ({ testResults: [] }) as JsonReport);
  const tests: TestOutcome[] = report.testResults.flatMap((file) =>
    file.assertionResults.map((result) => ({
      name: result.fullName,
      file: relative(PROJECT_ROOT, file.name),
      status: result.status,
      code: result.meta?.code,
      findings: result.meta?.findings ?? [],
      failureMessages: result.failureMessages,
    })),
  );
  return {
    ...ended,
    tests,
    failedCodes: [...new Set(tests.filter((t) => t.status === 'failed').flatMap((t) => t.findings.map((f) => f.code)))],
    findings: tests.flatMap((t) => t.findings),
    durationMs: Date.now() - started,
  };
}

async function runWith(env: Record<string, string>, run: (files: RunFiles) => Promise<Ended>): Promise<SuiteRun> {
  const files = await runFiles(env);
  const started = Date.now();
  try {
    return await suiteRun(await run(files), files.reportFile, started);
  } finally {
    await rm(files.dir, { recursive: true, force: true });
  }
}

/**
 * `npx vitest run` with only the given SCIM_* variables (none inherited from the shell running our
 * tests), made in this process through Vitest's Node API (test/support/in-process.ts), with the
 * JSON report read back. Runs in one test file take turns; what only a real process shows (its exit,
 * signals, stdout and stderr as separate pipes of a process) needs `runSuitesInChild`.
 */
export function runSuites(env: Record<string, string>, args: string[] = []): Promise<SuiteRun> {
  return runWith(env, (files) => runVitestInProcess(PROJECT_ROOT, SUITE_CONFIG, files.env, args));
}

/**
 * For a gallery: its runs in one worker thread each. Each worker loads the suite anew, and a loopback
 * server leaves a second one nothing to wait for; which worker ran a check does not change its findings.
 */
export const ONE_WORKER = ['--maxWorkers=1'];

/**
 * The last line a run printed, less the notice of the JSON report our runs ask for (`runEnv`): that
 * notice is printed when the file is written, which may be after the suite's own last line.
 */
export function lastLine(run: SuiteRun): string | undefined {
  return run.stdout
    .trimEnd()
    .split('\n')
    .filter((line) => !line.startsWith('JSON report written to '))
    .at(-1);
}

/** What a session's config reads from the environment as it loads: the same for every run of it. */
const SET_AT_CONFIG_LOAD = ['SCIM_REPORTS', 'SCIM_REPORT_DIR'];

/**
 * Many runs of `npx vitest run <args>`, each against a server of its own, through one Vitest
 * instance (test/support/in-process.ts): for a gallery of servers, the config is loaded and the
 * suite transformed once, not once per server. Each run is as `runSuites` makes it, with its own
 * environment and global setup. Only settings a run can start with fit
 * in a session: one that stops at the config (a wrong setting) needs `runSuites`, and the reports
 * of a session are its JSON report alone.
 */
export class SuiteSession {
  private dir: Promise<string> | undefined;
  private readonly session: VitestSession;

  constructor(args: string[] = []) {
    this.session = new VitestSession(PROJECT_ROOT, SUITE_CONFIG, args, [EXCHANGE_DIR_ENV]);
  }

  /** A run of the given spec files (all of them when none is given) with `env`, as `runSuites(env)` makes it. */
  async run(env: Record<string, string>, files: string[] = []): Promise<SuiteRun> {
    const configured = SET_AT_CONFIG_LOAD.filter((name) => name in env);
    if (configured.length > 0) throw new Error(`a session's reports are set once, for all its runs: run with ${configured.join(', ')} through runSuites`);
    const dir = await (this.dir ??= mkdtemp(join(tmpdir(), 'scimc-session-')));
    const runsWith = runEnv(env, dir);
    try {
      loadConfig(runsWith);
    } catch (error) {
      if (error instanceof ConfigError) throw new Error(`a run with a wrong setting stops at the config, which a session loaded once: use runSuites (${error.message})`);
      throw error;
    }
    const reportFile = join(dir, 'results.json');
    const started = Date.now();
    await rm(reportFile, { force: true });
    return suiteRun(await this.session.run(runsWith, files), reportFile, started);
  }

  async close(): Promise<void> {
    await this.session.close();
    if (this.dir !== undefined) await rm(await this.dir, { recursive: true, force: true });
  }
}

/** Runs `npx vitest run` in a child process, as a user would; otherwise as `runSuites`. */
export function runSuitesInChild(env: Record<string, string>, args: string[] = []): Promise<SuiteRun> {
  return runWith(env, (files) => runInChild([VITEST, 'run', ...args], files.env));
}

/** Runs `node <args>` in the project, with `env` as its whole environment, and collects its output. */
export function runInChild(args: string[], env: NodeJS.ProcessEnv): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ exitCode: code, stdout, stderr }));
  });
}

/** Makes rendered output stable for snapshots: ports, GUIDs, timings. */
export function normalise(text: string): string {
  return text
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, 'GUID')
    .replace(/\d+ ms/g, 'N ms');
}

/** The blocker codes of the verdict's first profile, in the order printed: most fundamental first. */
export function verdictBlockers(run: SuiteRun): string[] {
  const verdict = run.stdout.slice(run.stdout.lastIndexOf('\nVerdict\n'));
  return [...verdict.matchAll(/^ {4}✗ ([A-Z0-9_]+)/gm)].map((m) => m[1] ?? '');
}

/**
 * Runs `work` for each item, two at a time: in-process suite runs take turns, so while one runs the
 * next one's server starts; runs in child processes use the machine's two cores.
 */
export async function twoAtATime<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all([worker(), worker()]);
}
