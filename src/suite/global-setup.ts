import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../config.js';
import { ScimClient } from '../http/client.js';
import { demoSeed, startReferenceServer } from '../reference-server/index.js';
import { banner } from './banner.js';
import { preflight } from './preflight.js';
import { targetFromConfig, type Target } from './target.js';

/**
 * Resolves what is under test (the configured server, or the bundled reference server on loopback),
 * sends the preflight once, and hands both to every spec file.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = loadConfig(process.env);
  let target: Target;
  let stop = async () => {};
  if (config.baseUrl === undefined) {
    const token = randomBytes(24).toString('base64url');
    const server = await startReferenceServer({ token, seed: demoSeed() });
    target = targetFromConfig(config, server.baseUrl, true, token);
    stop = server.close;
  } else {
    target = targetFromConfig(config, config.baseUrl, false, config.token);
  }

  const client = new ScimClient(target);
  const result = await preflight(client, target.token !== undefined);
  await client.close();
  process.stdout.write(banner(target, result));

  project.provide('target', target);
  project.provide('preflight', result);
  return stop;
}
