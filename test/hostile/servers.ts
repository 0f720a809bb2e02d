/**
 * Hostile and unusable servers: each misbehaves at the transport level, or answers with something
 * no SCIM client can use. Every one listens on 127.0.0.1, counts its open connections, and closes
 * them all when closed.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

export const HOSTILE_TOKEN = 'hostile-canary-token-2b8e41';
const TLS_DIR = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));

export interface HostileServer {
  baseUrl: string;
  /** Connections still open from the suite's side. */
  openConnections(): number;
  close(): Promise<void>;
}

export interface Hostile {
  name: string;
  cause: string;
  /** The run stops at the preflight with this summary, or fails with this code first. */
  expect: { summary: RegExp } | { firstCode: string | RegExp };
  start(): Promise<HostileServer>;
}

async function listen(server: Server | ReturnType<typeof createNetServer>, scheme = 'http'): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `${scheme}://127.0.0.1:${port}/scim/v2`,
    openConnections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function http(handler: (req: IncomingMessage, res: ServerResponse) => void): () => Promise<HostileServer> {
  return () => listen(createServer(handler));
}

export const SCIM_JSON = { 'content-type': 'application/scim+json; charset=utf-8' };
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/**
 * Answers `bytes` of a body that starts like a ListResponse and never ends as JSON. Streamed with
 * backpressure: the server never holds it, and stops when the client hangs up.
 */
export function streamHugeBody(res: ServerResponse, bytes: number): void {
  res.writeHead(200, { ...SCIM_JSON, 'content-length': String(bytes) });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  chunk.write(`{"schemas":["${LIST_RESPONSE}"],"Resources":["`);
  let left = bytes;
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    if (left === 0) res.end();
  };
  pump();
}

/** Unresolvable without asking any DNS server: a label longer than 63 bytes fails in the resolver itself. */
export const UNRESOLVABLE_HOST = `${'a'.repeat(70)}.invalid`;

export const hostile: Hostile[] = [
  {
    name: 'does-not-resolve',
    cause: 'the host name does not resolve',
    expect: { summary: /Cannot reach http:\/\/a+\.invalid\/scim\/v2: the host name does not resolve\./ },
    start: async () => ({ baseUrl: `http://${UNRESOLVABLE_HOST}/scim/v2`, openConnections: () => 0, close: async () => {} }),
  },
  {
    name: 'untrusted-certificate',
    cause: 'it presents a certificate nobody trusts',
    expect: { summary: /Cannot reach https:.*the TLS handshake failed: .* set SCIM_CA_FILE \(or NODE_EXTRA_CA_CERTS\)/ },
    start: () =>
      listen(
        createHttpsServer({ key: readFileSync(`${TLS_DIR}server.key`), cert: readFileSync(`${TLS_DIR}server.pem`) }, (_req, res) => res.end('{}')),
        'https',
      ),
  },
  {
    name: 'never-answers',
    cause: 'it accepts the connection and never answers',
    expect: { summary: /Cannot reach .*: no complete answer within 1500 ms \(SCIM_TIMEOUT_MS\)\./ },
    // Reads (and ignores) what is sent, so that it sees the suite hang up.
    start: () => listen(createNetServer((socket) => socket.resume())),
  },
  {
    name: 'one-byte-a-second',
    cause: 'it answers one byte a second',
    expect: { summary: /Cannot reach .*: no complete answer within 1500 ms/ },
    start: http((_req, res) => {
      res.writeHead(200, SCIM_JSON);
      const body = JSON.stringify({ schemas: [LIST_RESPONSE], totalResults: 0, Resources: [] });
      let sent = 0;
      const timer = setInterval(() => res.write(body[sent++] ?? ' '), 1000);
      res.on('close', () => clearInterval(timer));
    }),
  },
  {
    name: 'reset-mid-body',
    cause: 'it resets the connection mid-body',
    expect: { summary: /Cannot reach .*: the connection was closed mid-exchange/ },
    start: http((_req, res) => {
      res.writeHead(200, { ...SCIM_JSON, 'content-length': '5000' });
      res.write(`{"schemas":["${LIST_RESPONSE}"],"totalResults":`);
      setTimeout(() => res.socket?.resetAndDestroy(), 20);
    }),
  },
  {
    name: 'fifty-megabytes',
    cause: 'it sends 50 MB',
    expect: { firstCode: 'HTTP_BODY_NOT_JSON' },
    start: http((_req, res) => streamHugeBody(res, 50 * 1024 * 1024)),
  },
  {
    name: 'invalid-utf8',
    cause: 'it sends invalid UTF-8',
    expect: { firstCode: 'HTTP_BODY_NOT_JSON' },
    start: http((_req, res) => {
      res.writeHead(200, SCIM_JSON);
      res.end(Buffer.concat([Buffer.from(`{"schemas":["${LIST_RESPONSE}"],"totalResults":`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(',"Resources":[]}')]));
    }),
  },
  {
    name: 'invalid-json',
    cause: 'it sends invalid JSON',
    expect: { firstCode: 'HTTP_BODY_NOT_JSON' },
    start: http((_req, res) => res.writeHead(200, SCIM_JSON).end(`{"schemas":["${LIST_RESPONSE}"],"totalResults":0,"Resources":[`)),
  },
  {
    name: 'wrong-types',
    cause: 'it sends JSON of the wrong types everywhere',
    expect: { firstCode: /^LIST_/ },
    start: http((_req, res) =>
      res.writeHead(200, SCIM_JSON).end(
        JSON.stringify({
          schemas: LIST_RESPONSE,
          totalResults: '2',
          startIndex: [1],
          itemsPerPage: null,
          Resources: { id: 1, userName: ['x'], name: 'x', emails: 'x@example.com', active: 'yes', meta: 7 },
        }),
      ),
    ),
  },
  {
    name: 'redirect-loop',
    cause: 'it redirects in a loop',
    expect: { firstCode: 'HTTP_REDIRECT' },
    start: http((req, res) => res.writeHead(302, { location: req.url ?? '/' }).end()),
  },
  {
    name: 'always-500',
    cause: 'it answers 500 to everything',
    expect: { summary: /is not serving requests: it answered 500 to Okta's connection probe\./ },
    start: http((_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error')),
  },
  {
    name: 'always-429',
    cause: 'it answers 429 with Retry-After to everything',
    // Retry-After 0: the client's cap on waits ends the probe, not SCIM_TIMEOUT_MS racing a busy machine.
    expect: { summary: /is not serving requests: it answered 429 to Okta's connection probe; its Retry-After \(0\) .* waited out 3 time\(s\) in vain\./ },
    start: http((_req, res) =>
      res
        .writeHead(429, { ...SCIM_JSON, 'retry-after': '0' })
        .end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: 'Too many requests' })),
    ),
  },
];
