/**
 * The parts of undici the client uses, loaded without the rest. undici's index also loads fetch,
 * WebSocket, the mocks and the caches, and with them Node's own copy of undici: three times the
 * modules. Every worker loads the client before its first request, all at once on a small machine,
 * so the difference is on the run's critical path (bench/run.ts measures it). undici's version is
 * pinned in package.json; the client's tests (test/http, test/network: proxies, TLS) cover these paths.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const load = createRequire(import.meta.url);

export const Agent = load('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export const EnvHttpProxyAgent = load('undici/lib/dispatcher/env-http-proxy-agent.js') as typeof Undici.EnvHttpProxyAgent;

// As undici's index does: request, connect (which the proxy agent tunnels with) and the rest of
// the API become methods of every dispatcher.
const Dispatcher = load('undici/lib/dispatcher/dispatcher.js') as typeof Undici.Dispatcher;
Object.assign(Dispatcher.prototype, load('undici/lib/api/index.js'));

export type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Undici.Dispatcher };

/** undici's `request(url, options)`, always through the given dispatcher. */
export function request(url: string, { dispatcher, ...options }: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  const target = new URL(url);
  return dispatcher.request({ ...options, origin: target.origin, path: `${target.pathname}${target.search}` });
}
