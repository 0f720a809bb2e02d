import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../config.js';
import { ScimClient } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { serveSharedLimits } from '../http/shared-limits.js';
import { saveExchanges } from '../report/exchange-log.js';
import { demoSeed, startReferenceServer } from '../reference-server/index.js';
import { banner } from './banner.js';
import { cleanUpOnInterrupt } from './interrupt.js';
import { describeSweep, sweepAtStart } from './sweep.js';
import { obtainAccessToken, preflight } from './preflight.js';
import { targetFromConfig, type Preflight, type Target } from './target.js';

/**
 * Resolves what is under test (the configured server, or the bundled reference server on loopback),
 * fetches an OAuth token when that is the method (once, for every worker), sends the preflight and
 * reads the ServiceProviderConfig once, serves the run's politeness limits, and hands all of it to
 * every spec file.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = loadConfig(process.env);
  let target: Target;
  let stop = async () => {};
  let result: Preflight;
  if (config.baseUrl === undefined) {
    const token = randomBytes(24).toString('base64url');
    const server = await startReferenceServer({ token, seed: demoSeed() });
    // The bundled server takes a bearer token, whatever credentials are configured for another one.
    target = targetFromConfig({ ...config, auth: { method: 'bearer' } }, server.baseUrl, true, token);
    stop = server.close;
    result = await probe(target);
  } else {
    target = targetFromConfig(config, config.baseUrl, false, config.token);
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
        // What an interrupted earlier run left behind goes first (our prefix only, older runs only).
        const [config] = await Promise.all([readServiceProviderConfig(client), sweep(client, target)]);
        result = { ...result, serviceProviderConfig: config };
      }
    } finally {
      saveSetupExchanges(client);
      await client.close();
    }
  }
  if (target.bundled) process.stdout.write(banner(target, result));

  const sharedLimits = await serveSharedLimits(target);
  project.provide('target', target);
  project.provide('preflight', result);
  project.provide('sharedLimits', sharedLimits.url);
  const forgetInterrupt = cleanUpOnInterrupt(target);
  return async () => {
    forgetInterrupt();
    await sharedLimits.close();
    await stop();
  };
}

async function sweep(client: ScimClient, target: Target): Promise<void> {
  const report = await sweepAtStart(client, target);
  const lines = report === undefined ? [] : describeSweep(report);
  if (lines.length > 0) process.stdout.write(`  leftovers of earlier interrupted runs:\n${lines.map((l) => `    ${l}\n`).join('')}`);
}

async function probe(target: Target): Promise<Preflight> {
  const client = new ScimClient(target);
  try {
    const result = await preflight(client, target.token !== undefined);
    return result.status === 'ok' ? { ...result, serviceProviderConfig: await readServiceProviderConfig(client) } : result;
  } finally {
    saveSetupExchanges(client);
    await client.close();
  }
}

/** What the server says it supports, read once for every spec file that needs it. */
function readServiceProviderConfig(client: ScimClient): Promise<Exchange> {
  return client.send({ path: '/ServiceProviderConfig' });
}

/** The preflight, the sweep and its deletions go into the reports too: every request the run sent. */
function saveSetupExchanges(client: ScimClient): void {
  saveExchanges(client.log, 'global setup');
}
