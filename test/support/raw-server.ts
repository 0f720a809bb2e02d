import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ScimClient, type ClientOptions } from '../../src/http/client.js';

export type RawHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface RawServer {
  /** What the server does with the next requests; a test sets its own. */
  handle(handler: RawHandler): void;
  origin(): string;
  /** A client aimed at `<origin>/scim/v2`, closed after the test. */
  client(options?: Partial<ClientOptions>): ScimClient;
}

/**
 * A bare node:http server on loopback for one test file, for answers no SCIM server would give
 * (a redirect, a drip, silence). Registers its own hooks: it starts before the file, every client
 * closes after its test, and the server closes with all its sockets after the file.
 */
export function useRawServer(token: string): RawServer {
  let handler: RawHandler = (_req, res) => res.end('{}');
  let server: Server;
  let origin = '';
  const clients: ScimClient[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  return {
    handle: (next) => {
      handler = next;
    },
    origin: () => origin,
    client: (options = {}) => {
      const c = new ScimClient({ baseUrl: `${origin}/scim/v2`, token, timeoutMs: 2_000, maxInFlight: 4, ...options });
      clients.push(c);
      return c;
    },
  };
}
