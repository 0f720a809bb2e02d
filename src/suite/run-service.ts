import { request } from 'node:http';
import { serveSharedLimits, type SharedLimits } from '../http/shared-limits.js';
import type { Preflight, Target } from './target.js';

/** What the global setup finds out before the checks: the target (with its OAuth token, if any) and the preflight. */
export interface Prepared {
  target: Target;
  preflight: Preflight;
}

/**
 * The main process's loopback service for the workers of one run: the run's politeness limits (for
 * worker processes; worker threads share them in memory), and `/run`, which answers with what the
 * global setup prepared as soon as it is ready. The setup does not wait on the network itself, so
 * the workers start up while the preflight is under way.
 */
export function serveRun(limits: { maxInFlight: number; maxRps?: number | undefined }, preparation: () => Promise<Prepared>): Promise<SharedLimits> {
  return serveSharedLimits(limits, (path, res) => {
    if (path !== '/run') return false;
    // Asked for on each request: a watch-mode rerun prepares afresh (src/suite/run-setup.ts).
    preparation().then(
      (prepared) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(prepared)),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('the global setup failed (its error is printed above)'),
    );
    return true;
  });
}

/** A worker's side: what the global setup prepared, once it is ready. */
export function fetchPrepared(url: string): Promise<Prepared> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: `${pathname}/run`, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('error', reject);
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text) as Prepared) : reject(new Error(`scim-conformance: ${text}`))));
    });
    req.on('error', (error) => reject(new Error(`scim-conformance: the run's main process cannot be reached (${error.message})`)));
    req.end();
  });
}
