/**
 * Servers that answer well at first and then stop (hang, drip, throttle forever), and servers whose
 * bytes are hostile (nested 100,000 deep, not UTF-8, gigabytes long). Each listens on 127.0.0.1,
 * counts what it received, and closes every connection when closed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createScimService, demoSeed, type ScimResponse } from '../../src/reference-server/index.js';
import { LIST_RESPONSE, SCIM_JSON, streamHugeBody } from './servers.js';

export const BOUNDED_TOKEN = 'bounded-canary-token-5c1f07';

export interface CountingServer {
  baseUrl: string;
  /** Requests received, in order, as `GET /scim/v2/Users?…`. */
  received: string[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export async function listen(handler: Handler): Promise<CountingServer> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    received.push(`${req.method ?? 'GET'} ${req.url ?? ''}`);
    res.on('error', () => {});
    handler(req, res);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/scim/v2`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** How a server misbehaves once it has given its good answers. */
export type Silence = 'hang' | 'drip' | 'throttle';

const misbehave: Record<Silence, Handler> = {
  // Takes the request and never answers.
  hang: () => {},
  // Headers at once, then a byte every 200 ms, forever.
  drip: (_req, res) => {
    res.writeHead(200, SCIM_JSON);
    const timer = setInterval(() => res.write(' '), 200);
    res.on('close', () => clearInterval(timer));
  },
  // "Come back at once", forever.
  throttle: (_req, res) =>
    res
      .writeHead(429, { ...SCIM_JSON, 'retry-after': '0' })
      .end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: 'Too many requests' })),
};

/** How a server's answers differ from the reference server's: `path` is the request's, without the query. */
export type Deviation = (path: string, answer: ScimResponse) => ScimResponse;

/** The list of ResourceTypes names none of them (a required attribute, RFC 7643 §6): DISCOVERY_RESOURCE_TYPES. */
export const resourceTypesWithoutName: Deviation = (path, answer) => {
  const list = path.endsWith('/ResourceTypes') && answer.body !== undefined ? (JSON.parse(answer.body) as { Resources?: Array<Record<string, unknown>> }) : undefined;
  if (list?.Resources === undefined) return answer;
  return { ...answer, body: JSON.stringify({ ...list, Resources: list.Resources.map(({ name: _name, ...type }) => type) }) };
};

/**
 * The reference server (demo data, bearer BOUNDED_TOKEN), with `deviation` when given, for the
 * first `goodAnswers` requests, then `silence` for every request after. `silentSince` is the index
 * in `received` of the first request that was not answered well.
 */
export async function goesSilent(goodAnswers: number, silence: Silence, deviation?: Deviation): Promise<CountingServer & { silentSince: number }> {
  const service = createScimService({ token: BOUNDED_TOKEN, seed: demoSeed() });
  let answered = 0;
  const server = await listen((req, res) => {
    if (answered >= goodAnswers) return misbehave[silence](req, res);
    answered++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://scim.local');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));
      const reference = service.handle({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = deviation === undefined ? reference : deviation(url.pathname, reference);
      res.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  return { ...server, silentSince: goodAnswers };
}

/** A request the server holds open until the test ends it. */
export interface HeldRequest {
  /** `GET /scim/v2/Users?…` */
  request: string;
  answer(): void;
  /** Closes the connection: the client gets no answer (CONNECTION_RESET), at the moment the test chooses. */
  cutOff(): void;
}

/** Holds every request open until the test answers it or cuts it off: the order requests end in is the test's, never a clock's. */
export async function holdsRequests(): Promise<CountingServer & { held(index: number): Promise<HeldRequest> }> {
  const held: HeldRequest[] = [];
  const arrivals: Array<() => void> = [];
  const server = await listen((req, res) => {
    held.push({ request: `${req.method ?? 'GET'} ${req.url ?? ''}`, answer: () => res.writeHead(200, SCIM_JSON).end('{}'), cutOff: () => req.socket.destroy() });
    for (const arrived of arrivals.splice(0)) arrived();
  });
  const arrived = async (index: number): Promise<HeldRequest> => {
    while (held[index] === undefined) await new Promise<void>((resolve) => arrivals.push(resolve));
    return held[index];
  };
  return { ...server, held: arrived };
}

/** A ListResponse whose one resource is an array nested `depth` levels deep. */
export function deeplyNested(depth: number): string {
  return `{"schemas":["${LIST_RESPONSE}"],"totalResults":1,"Resources":[${'['.repeat(depth)}${']'.repeat(depth)}]}`;
}

/** Answers every request with `body`, as SCIM JSON. */
export function answersWith(body: string | Buffer): Promise<CountingServer> {
  return listen((_req, res) => res.writeHead(200, SCIM_JSON).end(body));
}

/** A valid JSON ListResponse whose user's name holds bytes that are not UTF-8 (Latin-1 "José"). */
export function latin1InsideString(): Buffer {
  return Buffer.concat([Buffer.from(`{"schemas":["${LIST_RESPONSE}"],"totalResults":1,"Resources":[{"id":"1","userName":"Jos`), Buffer.from([0xe9]), Buffer.from('"}]}')]);
}

/** Streams `bytes` of a JSON-looking body (see streamHugeBody). */
export function streamsHugeBody(bytes: number): Promise<CountingServer> {
  return listen((_req, res) => streamHugeBody(res, bytes));
}
