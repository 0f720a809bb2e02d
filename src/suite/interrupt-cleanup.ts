/**
 * The cleanup an interrupted run does on its way out (src/suite/interrupt.ts starts it): removes this
 * run's resources only (`--run <prefix>`), as `npm run cleanup --run` would, but answers the signals
 * that follow. It runs in the run's process group, so a second Ctrl-C reaches it: it says what is
 * still left, and goes on. A third one stops it at once, saying the same. So does the deadline the
 * run gives it (a container's stop timeout), in INTERRUPT_CLEANUP_DEADLINE_ENV.
 */
import { ConfigError, loadConfig } from '../config.js';
import { OAuthTokenError } from '../http/auth.js';
import { ScimClient } from '../http/client.js';
import { CLEANUP_HINT, INTERRUPT_CLEANUP_DEADLINE_ENV, leftLines } from './interrupt.js';
import { describeSweep, sweepLeftovers } from './sweep.js';
import type { CleanupReport, CreatedResource } from './test-data.js';

/** What has been found to remove, and what is removed so far; undefined until the listing is done. */
let progress: { candidates: readonly CreatedResource[]; report: Readonly<CleanupReport> } | undefined;
let signalsSeen = 0;
const prefix = process.argv[process.argv.indexOf('--run') + 1] ?? '';

/** The resources not removed yet; undefined while the listing is not done. */
function stillLeft(): CreatedResource[] | undefined {
  if (progress === undefined) return undefined;
  const removed = new Set(progress.report.deleted.map((resource) => resource.id));
  return progress.candidates.filter((resource) => !removed.has(resource.id));
}

function sayWhatIsLeft(opening: string, closing: string): void {
  process.stderr.write(`\nscim-conformance: ${opening}\n${leftLines(stillLeft(), prefix).join('\n')}\n${closing}\n`);
}

function stopNow(why: string, exitCode: number): never {
  sayWhatIsLeft(`${why}: stopped before this run's test data was removed. Left on the server:`, `${CLEANUP_HINT}.`);
  process.exit(exitCode);
}

function onSignal(signal: NodeJS.Signals): void {
  signalsSeen += 1;
  if (signalsSeen >= 2) stopNow(`${signal} again`, signal === 'SIGINT' ? 130 : 143);
  sayWhatIsLeft(`${signal}: still removing this run's test data. Left on the server so far:`, `Interrupt once more to stop now; what is left then stays: ${CLEANUP_HINT}.`);
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
const deadline = Number(process.env[INTERRUPT_CLEANUP_DEADLINE_ENV]);
if (Number.isFinite(deadline)) {
  // From the run's interrupt, not from this process's start: starting up is part of the time there is.
  setTimeout(() => stopNow('the time to clean up ran out', 1), Math.max(0, deadline - Date.now())).unref();
}

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`scim-conformance: cannot clean up: ${error.message}\n`);
    return 2;
  }
  if (config.baseUrl === undefined) return 0;
  const client = new ScimClient({ ...config, baseUrl: config.baseUrl, write: true });
  try {
    await client.accessToken();
    const report = await sweepLeftovers(client, {
      olderThanMs: Number.NEGATIVE_INFINITY,
      byExternalId: true,
      onlyPrefix: prefix,
      onCandidates: (candidates, partial) => (progress = { candidates, report: partial }),
    });
    const lines = describeSweep(report);
    process.stdout.write(lines.length === 0 ? '  nothing to remove\n' : `${lines.map((line) => `  ${line}`).join('\n')}\n`);
    return report.failed.length + report.unlisted.length > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof OAuthTokenError)) throw error;
    process.stderr.write(`scim-conformance: cannot clean up, no access token: ${error.message}\n`);
    return 1;
  } finally {
    await client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`scim-conformance: the cleanup failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
