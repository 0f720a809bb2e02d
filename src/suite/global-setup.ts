import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../config.js';
import { ScimClient } from '../http/client.js';
import { saveExchanges } from '../report/exchange-log.js';
import { demoSeed, startReferenceServer } from '../reference-server/index.js';
import { banner } from './banner.js';
import { cleanUpOnInterrupt } from './interrupt.js';
import { describeSweep, sweepAtStart } from './sweep.js';
import { obtainAccessToken, preflight } from './preflight.js';
import { serveRun, type Prepared } from './run-service.js';
import { readShared } from './shared-reads.js';
import { targetFromConfig, type Preflight, type Target } from './target.js';

/**
 * Resolves what is under test (the configured server, or the bundled reference server on loopback)
 * and serves the run's politeness limits to the workers. In the background, while the workers
 * start up, it fetches an OAuth token when that is the method (once, for every worker), sends the
 * preflight, makes the reads several spec files need and sweeps leftovers; each spec file waits for that
 * (src/suite/run-service.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = loadConfig(process.env);
  let target: Target;
  let stop = async () => {};
  if (config.baseUrl === undefined) {
    const token = randomBytes(24).toString('base64url');
    const server = await startReferenceServer({ token, seed: demoSeed() });
    // The bundled server takes a bearer token, whatever credentials are configured for another one.
    target = targetFromConfig({ ...config, auth: { method: 'bearer' } }, server.baseUrl, true, token);
    stop = server.close;
  } else {
    target = targetFromConfig(config, config.baseUrl, false, config.token);
  }
  const preparation = prepare(target);
  // A failure here is a bug of ours: say so once, in the main process; the workers are told too.
  preparation.catch((error: unknown) => process.stderr.write(`scim-conformance: the global setup failed: ${(error as Error).message}\n`));
  const service = await serveRun(target, preparation);
  project.provide('target', target);
  project.provide('runService', service.url);
  const forgetInterrupt = cleanUpOnInterrupt(target);
  return async () => {
    forgetInterrupt();
    await preparation.catch(() => undefined);
    await service.close();
    await stop();
  };
}

/** Token, preflight, banner, the shared reads and the sweep: what every spec file waits for. */
async function prepare(initial: Target): Promise<Prepared> {
  let target = initial;
  let result: Preflight;
  const client = new ScimClient(target);
  try {
    const obtained = await obtainAccessToken(client);
    if ('failed' in obtained) result = obtained.failed;
    else {
      if (obtained.token !== undefined) target = { ...target, token: obtained.token };
      result = await preflight(client, target.token !== undefined || target.auth.method !== 'bearer');
    }
    process.stdout.write(banner(target, result));
    if (result.status === 'ok') {
      // What an interrupted earlier run left behind goes first (our prefix only, older runs only);
      // the bundled server starts empty of it.
      const [shared] = await Promise.all([readShared(client, result.exchange), target.bundled ? undefined : sweep(client, target)]);
      result = { ...result, shared };
    }
  } finally {
    // The preflight, the sweep and its deletions go into the reports too: every request the run sent.
    saveExchanges(client.log, 'global setup');
    await client.close();
  }
  return { target, preflight: result };
}

async function sweep(client: ScimClient, target: Target): Promise<void> {
  const report = await sweepAtStart(client, target);
  const lines = report === undefined ? [] : describeSweep(report);
  if (lines.length > 0) process.stdout.write(`  leftovers of earlier interrupted runs:\n${lines.map((l) => `    ${l}\n`).join('')}`);
}
