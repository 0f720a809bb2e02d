import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../config.js';
import { ownModulePath } from '../module-path.js';
import { Limiter } from '../http/limiter.js';
import { cleanUpOnInterrupt } from './interrupt.js';
import { ourOutput } from '../report/streams.js';
import { prepare } from './prepare.js';
import { serveRun, type Prepared } from './run-service.js';
import { targetFromConfig, type Target } from './target.js';
import { fewerWorkersWhenNear, workersFor } from './workers.js';
import type { Exchange } from '../http/exchange.js';

const REFERENCE_SERVER = ownModulePath('../reference-server/index.ts', import.meta.url);

export type RunSetup = (project: TestProject) => Promise<() => Promise<void>>;

/** Whether the paging checks are among the spec files (their paths) that run: only they judge every page. */
export function runsPaging(paths: readonly string[]): boolean {
  return paths.some((path) => /[\\/]suites[\\/]paging\.spec\.[jt]s$/.test(path));
}

/**
 * Resolves what is under test (the configured server, or the bundled reference server on loopback)
 * and makes the run's one limiter, whose memory the worker threads share (src/http/limiter.ts). In
 * the background, while the workers start up, it fetches an OAuth token when that is the method
 * (once, for every worker), sends the preflight, makes the reads several spec files need and sweeps
 * leftovers; each spec file waits for that (src/suite/run-service.ts).
 */
export const setUpRun: RunSetup = async (project) => {
  const config = loadConfig(process.env);
  let target: Target;
  let stop = async () => {};
  if (config.baseUrl === undefined) {
    const token = randomBytes(24).toString('base64url');
    // Loaded only for a run without SCIM_BASE_URL: a run against a server of the user's needs none of it.
    const { demoSeed, startReferenceServer } = await project.import<typeof import('../reference-server/index.js')>(REFERENCE_SERVER);
    const server = await startReferenceServer({ token, seed: demoSeed() });
    // The bundled server takes a bearer token, whatever credentials are configured for another one.
    target = targetFromConfig({ ...config, auth: { method: 'bearer' } }, server.baseUrl, true, token);
    stop = server.close;
  } else {
    target = targetFromConfig(config, config.baseUrl, false, config.token);
  }
  const out = ourOutput(project.vitest.config);
  let firstAnswer: (ms: number) => void = () => {};
  const firstAnswerMs = new Promise<number>((resolve) => (firstAnswer = resolve));
  // The SCIM server's own first answer (not an OAuth token endpoint's) tells how far it is.
  const timeAnswer = (exchange: Exchange) => {
    if (exchange.response !== undefined && exchange.request.url.startsWith(target.baseUrl)) firstAnswer(exchange.timing.durationMs);
  };
  const prepareRun = (paths: readonly string[]): Promise<Prepared> => {
    const preparation = prepare(target, out, runsPaging(paths), timeAnswer);
    // A failure here is a bug of ours: say so once, in the main process; the workers are told too.
    preparation.catch((error: unknown) => process.stderr.write(`scim-conformance: the global setup failed: ${(error as Error).message}\n`));
    return preparation;
  };
  // The spec files of this run are known before the global setup starts.
  let preparation = prepareRun(project.vitest.state.getPaths());
  // Watch mode: a rerun (a saved file, or `a`) reads the server again, so a server fixed meanwhile
  // is judged as it is now, not as the first run found it. The run prefix stays: an interrupt
  // removes every rerun's test data by it.
  project.onTestsRerun(async (specifications) => {
    await preparation.catch(() => undefined);
    preparation = prepareRun(specifications.map((specification) => specification.moduleId));
  });
  const service = await serveRun(() => preparation);
  const limiter = new Limiter(target);
  project.provide('target', target);
  project.provide('runService', service.url);
  project.provide('limitsMemory', limiter.memory);
  const forgetInterrupt = cleanUpOnInterrupt(target, (waitMs) => limiter.interrupt(waitMs));
  // The bundled server answers from this very process.
  await fewerWorkersWhenNear(project, target.bundled ? Promise.resolve(0) : firstAnswerMs, workersFor(config.maxInFlight));
  return async () => {
    forgetInterrupt();
    await preparation.catch(() => undefined);
    await service.close();
    await stop();
  };
};
