import { randomBytes } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Preflight, Target } from './target.js';

/** What the global setup finds out before the checks: the target (with its OAuth token, if any) and the preflight. */
export interface Prepared {
  target: Target;
  preflight: Preflight;
}

export interface RunService {
  /** `http://127.0.0.1:<port>/<secret>`: only who was told the address can use it. */
  url: string;
  close(): Promise<void>;
}

/**
 * The main process's loopback service for the workers of one run: `/run` answers with what the
 * global setup prepared, as soon as it is ready. The setup does not wait on the network itself, so
 * the workers start up while the preflight is under way.
 */
export async function serveRun(preparation: () => Promise<Prepared>): Promise<RunService> {
  // What it hands out includes credentials: other local processes must not guess the address.
  const secret = `/${randomBytes(16).toString('hex')}`;
  const server = createServer((req, res) => {
    if (req.url !== `${secret}/run`) return void res.writeHead(404).end();
    // Asked for on each request: a watch-mode rerun prepares afresh (src/suite/run-setup.ts).
    preparation().then(
      (prepared) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(prepared)),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('the global setup failed (its error is printed above)'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${secret}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
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
