/**
 * `npm run cleanup`: deletes the test resources runs of this suite left on the server (a run that
 * was killed never reached its own cleanup), of runs older than the sweep's grace period. Only names
 * with the shape `scimc-<time>-<random>-` are touched, each read back before it is deleted; a group
 * holding anyone else is left alone; users a server cannot delete are deactivated, and it says so. Reads the same
 * environment and .env as the suite; the token is never printed. Exits 1 when something could not
 * be removed or listed, 2 on a configuration error.
 *
 * `--run <prefix>` removes one run's resources only: what an interrupted run does on its way out.
 */
import { safeUrl } from '../http/redact.js';
import 'dotenv/config';
import { ConfigError, loadConfig } from '../config.js';
import { ScimClient } from '../http/client.js';
import { OAuthTokenError } from '../http/auth.js';
import { absentLines, cleanupSweepOptions, describeSweep, sweepLeftovers } from '../suite/sweep.js';
import { runStartOf } from '../suite/test-data.js';

/** The run prefix after `--run`, or undefined for every leftover; throws on a malformed one. */
function runPrefixOf(args: string[]): string | undefined {
  const index = args.indexOf('--run');
  if (index === -1) return undefined;
  const prefix = args[index + 1];
  if (prefix === undefined || runStartOf(`${prefix}1`) === undefined || !prefix.endsWith('-')) {
    throw new ConfigError(`--run takes a run prefix such as scimc-mx2rdnnc-0ce66a-, not "${prefix ?? ''}".`);
  }
  return prefix;
}

async function main(): Promise<number> {
  let config;
  let onlyPrefix: string | undefined;
  try {
    config = loadConfig(process.env);
    onlyPrefix = runPrefixOf(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`scim-conformance cleanup: ${error.message}\n`);
    return 2;
  }
  if (config.baseUrl === undefined) {
    process.stderr.write(
      'scim-conformance cleanup: SCIM_BASE_URL is not set. The bundled reference server starts afresh on every run and needs no cleanup; set SCIM_BASE_URL to the server to clean.\n',
    );
    return 2;
  }
  // Running this command is the consent to delete (the suite's own leftovers only): no SCIM_WRITE needed.
  const client = new ScimClient({ ...config, baseUrl: config.baseUrl, write: true });
  try {
    try {
      await client.accessToken();
    } catch (error) {
      if (!(error instanceof OAuthTokenError)) throw error;
      process.stderr.write(`scim-conformance cleanup: no access token: ${error.message}\n`);
      return 1;
    }
    process.stdout.write(`scim-conformance cleanup: removing test resources (${onlyPrefix ?? 'scimc-'}…) from ${safeUrl(config.baseUrl)}\n`);
    const report = await sweepLeftovers(client, cleanupSweepOptions(onlyPrefix));
    const lines = describeSweep(report);
    // A server without Groups has none to sweep: one plain line, no failure.
    const absent = absentLines(report);
    const shown = [...absent, ...(lines.length === 0 ? ['nothing to remove'] : lines)];
    process.stdout.write(`${shown.map((line) => `  ${line}`).join('\n')}\n`);
    const failed = report.failed.length + report.unlisted.length;
    process.stdout.write(`  ${report.deleted.length} deleted, ${report.deactivated.length} deactivated${failed > 0 ? `, ${failed} failed` : ''}\n`);
    return failed > 0 ? 1 : 0;
  } finally {
    await client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`scim-conformance cleanup: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
