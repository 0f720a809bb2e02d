import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Target } from './target.js';

const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };
/** Long enough to delete a run's few dozen resources from a far server; a hung one must not hold the exit. */
const CLEANUP_TIMEOUT_MS = 120_000;

/** Stops the workers' requests and waits for those in flight; returns how many never finished. */
export type HaltRequests = () => number;

/**
 * Ctrl-C (or a CI runner's SIGTERM) ends the run before the workers' own cleanup runs, and Vitest
 * exits soon after. So the main process stops the workers' requests, runs the cleanup command for
 * this run's prefix (never another run's) synchronously, before anything can exit, then exits
 * itself. Returns the function that unregisters the handlers once the run has cleaned up after itself.
 */
export function cleanUpOnInterrupt(target: Target, haltRequests: HaltRequests = () => 0): () => void {
  if (!target.write || target.bundled) return () => {};
  const cleanup = fileURLToPath(new URL('../cli/cleanup.ts', import.meta.url));
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const handler = (signal: NodeJS.Signals) => {
    process.stderr.write(`\nscim-conformance: ${signal}: removing this run's test data (${target.runPrefix}…) before exiting\n`);
    // Worker threads go on sending while this thread is busy: stop them, and let what they sent land.
    const unfinished = haltRequests();
    if (unfinished > 0) process.stderr.write(`scim-conformance: ${unfinished} request(s) still unanswered after SCIM_TIMEOUT_MS; what they create may be left behind (npm run cleanup removes it)\n`);
    spawnSync(process.execPath, [tsx, cleanup, '--run', target.runPrefix], { stdio: 'inherit', timeout: CLEANUP_TIMEOUT_MS });
    process.exit(EXIT_CODES[signal] ?? 1);
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
