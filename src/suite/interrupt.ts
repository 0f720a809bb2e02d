import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ownModulePath, runsCompiled } from '../module-path.js';
import type { Target } from './target.js';
import type { CreatedResource } from './test-data.js';

const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };
/** Long enough to delete a run's few dozen resources from a far server; a hung one must not hold the exit. */
const CLEANUP_TIMEOUT_MS = 120_000;
/**
 * How long an interrupted run may take to stop and clean up, when something waits for it with a
 * deadline: the bin sets it to fit a container's stop timeout.
 */
export const INTERRUPT_GRACE_ENV = 'SCIMC_INTERRUPT_GRACE_MS';
/** When (epoch ms) the cleanup of an interrupted run must end: it stops then, saying what is left. */
export const INTERRUPT_CLEANUP_DEADLINE_ENV = 'SCIMC_INTERRUPT_CLEANUP_DEADLINE';
/** The command that removes what an interrupted run left, from a user's project and in this repo. */
export const CLEANUP_HINT = '`npx scim-conformance cleanup` removes it (`npm run cleanup` inside the scim-conformance repo)';

/** Stops the workers' requests and waits at most `waitMs` for those in flight; returns how many never finished. */
export type HaltRequests = (waitMs: number) => number;

/** What an interrupted cleanup leaves, one line each: the resources not removed yet, or the run's prefix when they are not known. */
export function leftLines(left: readonly CreatedResource[] | undefined, runPrefix: string): string[] {
  if (left === undefined) return [`  not known yet (the listing was not done): every user and group named ${runPrefix}… may be left`];
  if (left.length === 0) return ['  nothing'];
  // Names and ids come from the server: no control character of theirs (C0, DEL, C1) reaches the terminal.
  // eslint-disable-next-line no-control-regex
  const shown = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return left.map((r) => `  ${r.kind === 'Users' ? 'user' : 'group'} ${shown(r.name)} (id ${shown(r.id)})`);
}

function graceMs(): number {
  const grace = Number(process.env[INTERRUPT_GRACE_ENV]);
  return Number.isFinite(grace) && grace > 0 ? grace : CLEANUP_TIMEOUT_MS;
}

/** Runs src/suite/interrupt-cleanup.ts for this run's prefix, blocking this thread until it ends or the deadline is past. */
function removeThisRunsData(runPrefix: string, deadline: number): void {
  const script = ownModulePath('./interrupt-cleanup.ts', import.meta.url);
  // Compiled (the package), the script is JavaScript; from source it needs tsx, a devDependency.
  const loader = runsCompiled(import.meta.url) ? [] : ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];
  const result = spawnSync(process.execPath, [...loader, script, '--run', runPrefix], {
    stdio: 'inherit',
    env: { ...process.env, [INTERRUPT_CLEANUP_DEADLINE_ENV]: String(deadline) },
    // The cleanup stops itself at the deadline, saying what is left; this is for one that cannot.
    timeout: Math.max(1, deadline - Date.now()) + 1000,
    killSignal: 'SIGKILL',
  });
  if (result.status === null) {
    process.stderr.write(
      `\nscim-conformance: the cleanup was stopped (${result.signal ?? result.error?.message ?? 'no exit code'}); left on the server:\n${leftLines(undefined, runPrefix).join('\n')}\n${CLEANUP_HINT}.\n`,
    );
  }
}

/**
 * Ctrl-C (or a CI runner's SIGTERM) ends the run before the workers' own cleanup runs, and Vitest
 * exits soon after. So the main process stops the workers' requests, runs the cleanup for this
 * run's prefix (never another run's) synchronously, before anything can exit, then exits itself.
 * The signals that follow reach the cleanup, in the same process group: the second makes it say
 * what is left, the third stops it. Returns the function that unregisters the handlers once the
 * run has cleaned up after itself.
 */
export function cleanUpOnInterrupt(target: Target, haltRequests: HaltRequests = () => 0): () => void {
  if (!target.write || target.bundled) return () => {};
  let interrupted = false;
  const handler = (signal: NodeJS.Signals) => {
    // Stays registered, so that Node's default action cannot end this process while it cleans up.
    if (interrupted) return;
    interrupted = true;
    const deadline = Date.now() + graceMs();
    process.stderr.write(`\nscim-conformance: ${signal}: removing this run's test data (${target.runPrefix}…) before exiting\n`);
    // Worker threads go on sending while this thread is busy: stop them, and let what they sent
    // land, within half the time there is, so the cleanup keeps the other half.
    const waitMs = Math.min(target.timeoutMs, (deadline - Date.now()) / 2);
    const unfinished = haltRequests(waitMs);
    if (unfinished > 0)
      process.stderr.write(`scim-conformance: ${unfinished} request(s) still unanswered after ${Math.round(waitMs)} ms; what they create may be left behind: ${CLEANUP_HINT}\n`);
    removeThisRunsData(target.runPrefix, deadline);
    process.exit(EXIT_CODES[signal] ?? 1);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
