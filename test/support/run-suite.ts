import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../../src/checks/rule.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const VITEST = join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

export interface TestOutcome {
  name: string;
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

/**
 * Runs `npx vitest run` in a child process, as a user would, with only the given SCIM_* variables
 * (none inherited from the shell running our tests), and reads back the JSON report.
 */
export async function runSuites(env: Record<string, string>, args: string[] = []): Promise<SuiteRun> {
  const dir = await mkdtemp(join(tmpdir(), 'scimc-run-'));
  // The JSON report comes from SCIM_REPORTS, as a user would ask for it, so the configured
  // reporters (the verdict among them) stay as they are.
  const reportDir = env['SCIM_REPORT_DIR'] ?? dir;
  const kinds = env['SCIM_REPORTS'] === 'all' ? 'all' : [env['SCIM_REPORTS'], 'json'].filter(Boolean).join(',');
  const reportFile = join(reportDir, 'results.json');
  const started = Date.now();
  try {
    const { exitCode, stdout, stderr } = await new Promise<{ exitCode: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [VITEST, 'run', ...args],
        {
          cwd: PROJECT_ROOT,
          // Our servers are on loopback: politeness would only slow our own tests down.
          // CI is set (userEnv): the bundled server is asked for by name unless a target is given.
          env: userEnv({ SCIM_MAX_RPS: '1000', SCIM_BASE_URL: 'bundled', ...env, SCIM_REPORTS: kinds, SCIM_REPORT_DIR: reportDir }),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ exitCode: code, stdout, stderr }));
    });
    const report = await readFile(reportFile, 'utf8')
      .then((text) => JSON.parse(text) as JsonReport)
      .catch(() => ({ testResults: [] }) as JsonReport);
    const tests: TestOutcome[] = report.testResults.flatMap((file) =>
      file.assertionResults.map((result) => ({
        name: result.fullName,
        status: result.status,
        code: result.meta?.code,
        findings: result.meta?.findings ?? [],
        failureMessages: result.failureMessages,
      })),
    );
    return {
      exitCode,
      stdout,
      stderr,
      tests,
      failedCodes: [...new Set(tests.filter((t) => t.status === 'failed').flatMap((t) => t.findings.map((f) => f.code)))],
      findings: tests.flatMap((t) => t.findings),
      durationMs: Date.now() - started,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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
 * Runs `work` for each item, two at a time: each suite run is a whole Vitest process, and the
 * machine has two cores.
 */
export async function twoAtATime<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all([worker(), worker()]);
}
