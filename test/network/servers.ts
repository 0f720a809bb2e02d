/**
 * Local stand-ins for what real networks put between the suite and a SCIM server: a forward proxy,
 * an HTTPS front with its own CA, a front that requires one authentication method, and an OAuth
 * token endpoint. All listen on 127.0.0.1 and close every connection when closed.
 */
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { ProxySettings } from '../../src/config.js';
import { ScimClient, type ClientOptions } from '../../src/http/client.js';

const TLS_DIR = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
export const CA_FILE = `${TLS_DIR}ca.pem`;
const TLS = { key: readFileSync(`${TLS_DIR}server.key`), cert: readFileSync(`${TLS_DIR}server.pem`) };

export interface Running {
  origin: string;
  close(): Promise<void>;
}

export const NO_PROXY: ProxySettings = { httpProxy: undefined, httpsProxy: undefined, noProxy: undefined };

/**
 * The servers a test starts (`track`) and the clients it makes (`client`, with this file's
 * defaults), all closed after each test: clients first, so no request outlives its server.
 */
export function closedAfterEachTest(defaults: Omit<ClientOptions, 'baseUrl'>) {
  const running: Running[] = [];
  const clients: ScimClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(running.splice(0).map((r) => r.close()));
  });
  return {
    async track<T extends Running>(server: Promise<T>): Promise<T> {
      const started = await server;
      running.push(started);
      return started;
    },
    client(baseUrl: string, options: Partial<ClientOptions> = {}): ScimClient {
      const c = new ScimClient({ ...defaults, baseUrl, ...options });
      clients.push(c);
      return c;
    },
  };
}

async function listen(server: Server, scheme: 'http' | 'https', sockets = new Set<Socket>()): Promise<Running> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${scheme}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        // Tunnelled (CONNECT) sockets are no longer the HTTP server's: end them too.
        for (const socket of sockets) socket.destroy();
      }),
  };
}

export interface ForwardProxy extends Running {
  /** Each CONNECT tunnel or absolute-form request, as `CONNECT host:port` or `GET http://...`. */
  seen: string[];
}

/** An HTTP forward proxy (CONNECT tunnels and absolute-form requests); `delayMs` is added to each. */
export async function startForwardProxy(options: { delayMs?: number; requireAuth?: string; dropTunnels?: boolean } = {}): Promise<ForwardProxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const authorised = (req: IncomingMessage) =>
    options.requireAuth === undefined || req.headers['proxy-authorization'] === `Basic ${Buffer.from(options.requireAuth).toString('base64')}`;
  const server = createServer((req, res) => {
    seen.push(`${req.method ?? 'GET'} ${req.url ?? ''}`);
    if (!authorised(req)) return void res.writeHead(407, { 'proxy-authenticate': 'Basic' }).end();
    const target = new URL(req.url ?? '');
    setTimeout(() => {
      const upstream = httpRequest(target, { method: req.method ?? 'GET', headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    }, options.delayMs ?? 0);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url ?? ''}`);
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (options.dropTunnels === true) return void client.destroy();
    if (!authorised(req)) return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
    const [host = '', port = '443'] = (req.url ?? '').split(/:(?=\d+$)/);
    let established = false;
    const upstream = connect(Number(port), host, () => {
      established = true;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => (established ? client.destroy() : client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')));
  });
  const running = await listen(server, 'http', sockets);
  return { ...running, seen };
}

export type AuthCheck = (req: IncomingMessage) => boolean;

export interface Front extends Running {
  /** The Authorization (or custom) header values received, in order. */
  received: IncomingMessage['headers'][];
}

/**
 * Answers like a SCIM server that needs `check` to pass: a ListResponse for GET /scim/v2/Users,
 * 401 with a SCIM Error otherwise. Over HTTPS with the test CA's certificate when `tls` is set.
 */
export async function startScimFront(check: AuthCheck, options: { tls?: boolean } = {}): Promise<Front> {
  const received: IncomingMessage['headers'][] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    received.push(req.headers);
    const type = { 'content-type': 'application/scim+json; charset=utf-8' };
    if (!check(req)) {
      res.writeHead(401, { ...type, 'www-authenticate': 'Bearer' });
      return void res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: 'Not authenticated' }));
    }
    res
      .writeHead(200, type)
      .end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] }));
  };
  const server = options.tls === true ? createHttpsServer(TLS, handler) : createServer(handler);
  const running = await listen(server as Server, options.tls === true ? 'https' : 'http');
  return { ...running, received };
}

export interface TokenEndpoint extends Running {
  tokenUrl: string;
  /** Tokens issued so far, in order; only the last one is valid when `rotate` is used. */
  issued: string[];
  /** Invalidates every token issued so far (the next API call gets a 401). */
  revokeAll(): void;
  isValid(token: string | undefined): boolean;
  /** The grant requests received (form bodies and the Authorization header). */
  requests: Array<{ body: URLSearchParams; authorization: string | undefined }>;
}

/** An OAuth 2.0 token endpoint for the client credentials grant (RFC 6749 §4.4). */
export async function startTokenEndpoint(client: { id: string; secret: string; scope?: string }): Promise<TokenEndpoint> {
  const issued: string[] = [];
  const valid = new Set<string>();
  const requests: TokenEndpoint['requests'] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = new URLSearchParams(raw);
      requests.push({ body, authorization: req.headers.authorization });
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const [id, secret] = basic === undefined ? [body.get('client_id'), body.get('client_secret')] : Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent);
      const json = { 'content-type': 'application/json' };
      if (body.get('grant_type') !== 'client_credentials') return void res.writeHead(400, json).end('{"error":"unsupported_grant_type"}');
      if (id !== client.id || secret !== client.secret) return void res.writeHead(401, json).end('{"error":"invalid_client","error_description":"Client authentication failed."}');
      if (client.scope !== undefined && body.get('scope') !== client.scope) return void res.writeHead(400, json).end('{"error":"invalid_scope"}');
      const token = `at-${issued.length + 1}-${Math.random().toString(36).slice(2)}`;
      issued.push(token);
      valid.add(token);
      res.writeHead(200, json).end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
    });
  });
  const running = await listen(server, 'http');
  return {
    ...running,
    tokenUrl: `${running.origin}/oauth2/token`,
    issued,
    requests,
    revokeAll: () => valid.clear(),
    isValid: (token) => token !== undefined && valid.has(token),
  };
}

export function bearerOf(req: IncomingMessage): string | undefined {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
}
