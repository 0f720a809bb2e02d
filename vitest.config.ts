/**
 * `npx vitest run`: the conformance suites, against SCIM_BASE_URL or, when it is unset, the bundled
 * reference server. Our own tests have their own config (test/vitest.config.ts, `npm test`).
 */
import 'dotenv/config';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { loadAcceptances } from './src/accept.js';
import { ConfigError, loadConfig, loadJudgingConfig } from './src/config.js';
import { EXCHANGE_DIR_ENV } from './src/report/exchange-log.js';
import LongestChainsFirst from './src/suite/sequencer.js';
import { clientProjects, projectClient } from './src/suite/projects.js';
import { workersFor } from './src/suite/workers.js';
import { loadReportOptions, reportPath, type ReportOptions } from './src/report/options.js';
import { ownModulePath, runsCompiled } from './src/module-path.js';

// Our modules by their .ts names: compiled, in the package's dist/, they are the .js files.
const here = (path: string) => ownModulePath(path, import.meta.url);

/** Every module under `dir` (an absolute path), as a pattern for Vitest's `server.deps.external`. */
const ownModules = (dir: string) => new RegExp(`^${dir.replaceAll('\\', '/').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

interface Settings {
  reports: ReportOptions;
  workers: number;
  /** --project okta, entra or rfc: the Vitest projects per client are defined. */
  projects: boolean;
}

/**
 * The spec files share the run's one limiter in memory (src/http/limiter.ts), which only worker
 * threads can: worker processes would each get a copy, and the run's bound would not hold.
 */
function refuseOtherPools(argv: readonly string[]): void {
  const pools = argv.flatMap((arg, at) => (arg === '--pool' ? [argv[at + 1] ?? ''] : arg.startsWith('--pool=') ? [arg.slice('--pool='.length)] : []));
  const other = pools.find((pool) => pool !== 'threads');
  if (other !== undefined) throw new ConfigError(`the spec files run in worker threads, which share the politeness limits: leave out --pool ${other}.`);
}

function checkedSettings(): Settings | ConfigError {
  try {
    refuseOtherPools(process.argv);
    const client = projectClient(process.argv);
    // The project's client is the profile, for the setup, the workers and the verdict alike.
    if (client !== undefined) process.env['SCIM_PROFILE'] = client;
    // Merging shards' reports tests no server: it needs no SCIM_BASE_URL, in CI or not.
    const merging = process.argv.some((arg) => arg === '--merge-reports' || arg.startsWith('--merge-reports='));
    const config = merging ? loadJudgingConfig(process.env) : loadConfig(process.env);
    loadAcceptances(process.env);
    return { reports: loadReportOptions(process.env), workers: workersFor(config.maxInFlight), projects: client !== undefined };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error;
  }
}

/**
 * A wrong setting stops the run with one sentence that says what to set; a stack trace would bury
 * it. It stops once Vite has loaded this file: exiting while Vite loads it would leave Vite's
 * temporary copy of it behind, in node_modules/.vite-temp.
 */
function stopWith(error: ConfigError) {
  const stop: Plugin = {
    name: 'scim-conformance-settings',
    configResolved() {
      console.error(`scim-conformance: ${error.message}`);
      process.exit(2);
    },
  };
  return defineConfig({ plugins: [stop] });
}

function suiteConfig({ reports, workers, projects }: Settings) {
  // Workers leave their exchanges here; the reporter, in this process, gathers them into the HAR.
  const exchangeDir = (process.env[EXCHANGE_DIR_ENV] ??= mkdtempSync(join(tmpdir(), 'scimc-exchanges-')));
  const verdictReporter = here('src/report/reporter.ts');
  // Vitest's JUnit reporter with skip reasons and warnings where CI tabs show them, and Vitest's JSON
  // reporter, both under names of ours: an entry named "json" or "junit" here would lend its output
  // file to a user's own --reporter=json or junit, which would then write over ours.
  const fileReporters = { junit: here('src/report/junit.ts'), json: here('src/report/json.ts') };
  // The verdict, and the reports SCIM_REPORTS asks for.
  const ourReporters: Array<[string, Record<string, unknown>]> = [
    [verdictReporter, {}],
    ...(['junit', 'json'] as const)
      .filter((kind) => reports.kinds.includes(kind))
      .map((kind) => [fileReporters[kind], { outputFile: reportPath(reports, kind) }] as [string, Record<string, unknown>]),
  ];

  /**
   * A --reporter flag replaces the configured reporters: ours are added back, so the verdict and the
   * reports stay. A user's own --reporter=junit gets the skip reasons and warnings too.
   */
  const keepOurReporters: Plugin = {
    name: 'scim-conformance-reporters',
    configureVitest({ vitest }) {
      const configured = vitest.config.reporters;
      configured.forEach((reporter, at) => {
        if (Array.isArray(reporter) && reporter[0] === 'junit') configured[at] = [fileReporters.junit, (reporter[1] ?? {}) as Record<string, unknown>];
      });
      const has = ([name, options]: [string, Record<string, unknown>]) =>
        configured.some(
          (reporter) => Array.isArray(reporter) && reporter[0] === name && (reporter[1] as Record<string, unknown> | undefined)?.['outputFile'] === options['outputFile'],
        );
      for (const reporter of ourReporters) if (!has(reporter)) configured.push(reporter);
    },
  };

  const globalSetup = [here('src/suite/global-setup.ts')];
  const compiled = runsCompiled(import.meta.url);
  return defineConfig({
    plugins: [keepOurReporters],
    test: {
      root: here('.'),
      include: [compiled ? 'suites/**/*.spec.js' : 'suites/**/*.spec.ts'],
      // Compiled, our modules are JavaScript that Node loads itself, in each worker, as it loads any
      // dependency: Vite would only transform them again at every run. Installed, under
      // node_modules, Vitest leaves them to Node anyway; this does the same for dist/ in the repo.
      ...(compiled ? { server: { deps: { external: [ownModules(here('src/'))] } } } : {}),
      isolate: false,
      // Spec files wait on the network, not the CPU: run several at once (fewer near the server:
      // src/suite/workers.ts). Threads, which start faster than processes and share the run's one
      // limiter in memory (src/http/limiter.ts).
      maxWorkers: workers,
      pool: 'threads',
      // Checks in a file share their requests (once) and wait on the network: let them wait together.
      sequence: { concurrent: true, sequencer: LongestChainsFirst },
      maxConcurrency: 20,
      globalSetup: projects ? [] : globalSetup,
      // Vitest's console reporter, less the listing of passing and skipped checks (src/report/console.ts).
      reporters: [here('src/report/console.ts'), ...ourReporters],
      // --project okta (entra, rfc): the whole suite, judged for that client alone.
      ...(projects ? { projects: clientProjects(globalSetup) } : {}),
      env: { [EXCHANGE_DIR_ENV]: exchangeDir },
      testTimeout: 120_000,
      hookTimeout: 120_000,
      // A failed check's message is its diagnosis; frames pointing into our code would only be noise.
      // Nor for a check the run stopped (RunHalted): its message is the cause, told in the verdict.
      onStackTrace: (error) => error.name !== 'ConformanceFailure' && error.name !== 'RunHalted',
    },
  });
}

const settings = checkedSettings();
export default settings instanceof ConfigError ? stopWith(settings) : suiteConfig(settings);
