import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorResponse } from './responses.js';
import type { ScimHandler, ScimRequest, ScimResponse } from './types.js';

export const MAX_BODY_BYTES = 1024 * 1024;
/** Past this we stop draining an oversized body and drop the connection. */
const MAX_DRAINED_BYTES = 16 * MAX_BODY_BYTES;

export interface ServeOptions {
  host?: string;
  port?: number;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  close(): Promise<void>;
}

/** Serves a ScimHandler over node:http. A handler that throws is answered with a 500 SCIM Error. */
export async function serve(handler: ScimHandler, options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((incoming, outgoing) => {
    void answer(handler, incoming, outgoing);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        // Keep-alive sockets would otherwise hold close() open (and the test process) until they time out.
        server.closeAllConnections();
      }),
  };
}

async function answer(handler: ScimHandler, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  let response: ScimResponse;
  try {
    const body = await readBody(incoming);
    response =
      body === undefined
        ? errorResponse(413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`, undefined, { connection: 'close' })
        : await handler(toScimRequest(incoming, body));
  } catch {
    response = errorResponse(500, 'The server failed to handle the request.');
  }
  write(outgoing, response);
}

/** The body as UTF-8, or undefined when it is over the limit (the rest is drained, not kept). */
function readBody(incoming: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    incoming.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (received > MAX_DRAINED_BYTES) incoming.destroy();
    });
    incoming.on('end', () => resolve(received > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', reject);
    // A body we gave up on never ends; settle anyway (a second resolve is ignored).
    incoming.on('close', () => resolve(undefined));
  });
}

function toScimRequest(incoming: IncomingMessage, body: string): ScimRequest {
  const target = incoming.url ?? '/';
  const queryStart = target.indexOf('?');
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: incoming.method ?? 'GET',
    // Split by hand: `new URL('//x', base)` would read a leading double slash as a host name.
    path: queryStart === -1 ? target : target.slice(0, queryStart),
    query: new URLSearchParams(queryStart === -1 ? '' : target.slice(queryStart + 1)),
    headers,
    body,
  };
}

function write(outgoing: ServerResponse, response: ScimResponse): void {
  if (outgoing.headersSent) return;
  const headers: Record<string, string | number> = { ...response.headers };
  if (response.body !== undefined) headers['content-length'] = Buffer.byteLength(response.body);
  outgoing.writeHead(response.status, headers);
  outgoing.end(response.body);
}
