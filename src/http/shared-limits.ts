import { randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RunHalted, type Gate } from './gate.js';
import { Limiter } from './limiter.js';

/**
 * The politeness limits of a whole run, kept in one place. Spec files run in several worker
 * processes; each asks this service (on loopback, in the main process) before every request, so
 * SCIM_MAX_IN_FLIGHT and SCIM_MAX_RPS hold for the run, and a busy spec file may use what idle
 * ones leave. A request's place is held by an open connection: when the worker closes it, or
 * dies, the place is free again.
 */
export interface SharedLimits {
  /** `http://127.0.0.1:<port>/<secret>`: only who was told the address can use it. */
  url: string;
  close(): Promise<void>;
}

/** More routes under the same address: true when it answered `path` (`/run`, say). */
export type ExtraRoute = (path: string, res: ServerResponse) => boolean;

export async function serveSharedLimits(limits: { maxInFlight: number; maxRps?: number | undefined }, extra?: ExtraRoute): Promise<SharedLimits> {
  const limiter = new Limiter(limits.maxInFlight, limits.maxRps);
  // What the run service hands out includes credentials: other local processes must not guess the address.
  const secret = `/${randomBytes(16).toString('hex')}`;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://limits');
    const path = url.pathname.startsWith(`${secret}/`) ? url.pathname.slice(secret.length) : undefined;
    if (path === '/place') return void limiter.run(() => holdPlace(res));
    if (path === '/start') return void limiter.slot().then(() => res.end('go\n'));
    if (path === '/pause') {
      const until = Number(url.searchParams.get('until'));
      if (Number.isFinite(until)) limiter.pause(until);
      return void res.end('ok\n');
    }
    if (path !== undefined && extra?.(path, res) === true) return;
    res.writeHead(404).end();
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

/** Grants the place by sending the headers; it is held until the worker closes the connection. */
function holdPlace(res: ServerResponse): Promise<void> {
  return new Promise<void>((release) => {
    // The worker gave up waiting (or died) before its turn came.
    if (res.destroyed || res.socket === null || res.socket.destroyed) return release();
    res.once('close', () => release());
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('go\n');
  });
}

/**
 * A worker's side of the shared limits. If the service cannot be reached (the main process is
 * gone), the worker falls back to `fallback`, its own share of the limits, and goes on.
 */
export class SharedGate implements Gate {
  private failed = false;
  /** Parsed once: every request of the worker asks the service. */
  private readonly service: URL;

  constructor(
    url: string,
    private readonly fallback: Gate,
  ) {
    this.service = new URL(url);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    this.refuseIfHalted();
    const place = this.failed ? undefined : await this.ask('/place', true).catch(() => this.giveUp());
    if (place === undefined) return this.fallback.run(task);
    try {
      this.refuseIfHalted();
      return await task();
    } finally {
      place.release();
    }
  }

  async slot(): Promise<void> {
    const start = this.failed ? undefined : await this.ask('/start', false).catch(() => this.giveUp());
    if (start === undefined) await this.fallback.slot();
  }

  pause(until: number): void {
    this.fallback.pause(until);
    if (!this.failed) this.ask(`/pause?until=${Math.ceil(until)}`, false).catch(() => this.giveUp());
  }

  // The silence watch is the worker's own here: each worker process stops once it sees the silence.
  answered(request: string): void {
    this.fallback.answered(request);
  }

  unanswered(): number {
    return this.fallback.unanswered();
  }

  lastAnswered(): string | undefined {
    return this.fallback.lastAnswered();
  }

  halt(cause: string): void {
    this.fallback.halt(cause);
  }

  haltCause(): string | undefined {
    return this.fallback.haltCause();
  }

  claimReport(): boolean {
    return this.fallback.claimReport();
  }

  private refuseIfHalted(): void {
    const cause = this.fallback.haltCause();
    if (cause !== undefined) throw new RunHalted(cause);
  }

  private giveUp(): undefined {
    this.failed = true;
    return undefined;
  }

  /** Resolves once the service answers; with `hold`, the connection stays open until released. */
  private ask(path: string, hold: boolean): Promise<{ release: () => void }> {
    const { hostname, port, pathname } = this.service;
    return new Promise((resolve, reject) => {
      // A connection of its own (no agent): closing it is what gives the place back.
      const req = request({ host: hostname, port, path: `${pathname}${path}`, agent: false }, (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          req.destroy();
          return reject(new Error(`shared limits answered ${res.statusCode}`));
        }
        res.on('error', () => {});
        res.resume();
        if (!hold) res.on('end', () => req.destroy());
        resolve({ release: () => req.destroy() });
      });
      req.on('error', reject);
      req.end();
    });
  }
}
