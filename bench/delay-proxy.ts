import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the bench puts between the suites and the reference server: a far-away network. */
export interface DelayProxy {
  baseUrl: string;
  requests: number;
  close(): Promise<void>;
}

/** A reverse proxy in front of `target` that holds every request `delayMs` before forwarding it. */
export async function delayProxy(target: string, delayMs: number): Promise<DelayProxy> {
  const upstream = new URL(target);
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    setTimeout(() => {
      const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.writeHead(502).end());
      req.pipe(forward);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${upstream.pathname}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
