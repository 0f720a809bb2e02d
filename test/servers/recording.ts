/**
 * The reference server with every request recorded (method, path, query, body, the status it got),
 * optionally broken by a function, and optionally holding every request after a condition is met
 * (to kill a run half way at a known point). Its store can be snapshotted byte for byte.
 */
import { request as httpRequest } from 'node:http';
import { createScimService, demoSeed, serve, type ScimService } from '../../src/reference-server/index.js';
import type { ScimRequest, ScimResponse } from '../../src/reference-server/types.js';

export const RECORDING_TOKEN = 'recording-canary-token-51d3a7';

export interface RecordedCall {
  method: string;
  path: string;
  query: string;
  body: string;
  /** Set once answered; undefined while held. */
  status?: number;
}

/** Breaks the server: answers `request` itself, or calls `service.handle` (possibly with a changed request). */
export type Breakage = (request: ScimRequest, service: ScimService) => ScimResponse | Promise<ScimResponse>;

export interface RecordingServer {
  baseUrl: string;
  service: ScimService;
  calls: RecordedCall[];
  /** POST, PUT, PATCH and DELETE calls. */
  writes(): RecordedCall[];
  /** Resolves when the first request is held. */
  held: Promise<void>;
  /** Answers every held request with 503, without touching the store; later requests are served. */
  release(): void;
  /**
   * Resolves once the server has taken in every request sent to it before this call: it answers a
   * request of the test's own, sent on a new connection after them (never held, never recorded).
   */
  drained(): Promise<void>;
  close(): Promise<void>;
}

export interface RecordingOptions {
  breakage?: Breakage;
  /** Once this is true of the calls so far, every further request is held until release(). */
  holdWhen?: (calls: readonly RecordedCall[]) => boolean;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The test's own request (`drained`), which no run sends. */
const DRAIN_PATH = '/recording-server/drained';

/** Users and groups that exist before any run, some with names that look like ours but are not. */
export function bystanderSeed(): { users: object[]; groups: object[] } {
  const seed = demoSeed();
  const lookalike = (userName: string, id: string) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id,
    userName,
    name: { givenName: 'Not', familyName: 'Ours' },
    emails: [{ value: 'not.ours@example.com', type: 'work', primary: true }],
    active: true,
  });
  return {
    users: [
      ...seed.users,
      lookalike('scimc-handmade@example.com', '7d4e1c1a-0000-4000-8000-000000000001'),
      lookalike('scimc-handmade-abcdef-1@example.com', '7d4e1c1a-0000-4000-8000-000000000002'),
    ],
    groups: [...seed.groups, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: '7d4e1c1a-0000-4000-8000-0000000000a1', displayName: 'scimc-team', members: [] }],
  };
}

export async function startRecordingServer(options: RecordingOptions = {}): Promise<RecordingServer> {
  const service = createScimService({ token: RECORDING_TOKEN, seed: bystanderSeed() });
  const calls: RecordedCall[] = [];
  let holding = false;
  let triggered = false;
  let markHeld: () => void = () => {};
  const held = new Promise<void>((resolve) => (markHeld = resolve));
  let releaseAll: () => void = () => {};
  const releasedPromise = new Promise<void>((resolve) => (releaseAll = resolve));
  const unavailable: ScimResponse = { status: 503, headers: { 'content-type': 'text/plain' }, body: 'held by the test' };

  const handler = async (request: ScimRequest): Promise<ScimResponse> => {
    if (request.path === DRAIN_PATH) return { status: 204, headers: {}, body: '' };
    const call: RecordedCall = { method: request.method, path: request.path, query: request.query.toString(), body: request.body };
    calls.push(call);
    if (holding) {
      markHeld();
      await releasedPromise;
      call.status = unavailable.status;
      return unavailable;
    }
    const response = options.breakage === undefined ? service.handle(request) : await options.breakage(request, service);
    call.status = response.status;
    if (!triggered && options.holdWhen?.(calls) === true) {
      triggered = true;
      holding = true;
    }
    return response;
  };
  const server = await serve(handler);
  return {
    baseUrl: `${server.origin}/scim/v2`,
    service,
    calls,
    writes: () => calls.filter((call) => WRITE_METHODS.has(call.method.toUpperCase())),
    held,
    release: () => {
      holding = false;
      releaseAll();
    },
    drained: () =>
      new Promise<void>((resolve, reject) => {
        const { hostname, port } = new URL(server.origin);
        const req = httpRequest({ host: hostname, port, path: DRAIN_PATH, agent: false }, (res) => res.resume().on('end', () => resolve()));
        req.on('error', reject);
        req.end();
      }),
    close: async () => {
      holding = false;
      releaseAll();
      await server.close();
    },
  };
}

/** The store as JSON text, for byte-for-byte comparisons. */
export function storeText(service: ScimService): string {
  return JSON.stringify(service.store.snapshot());
}

/** Names of every user and group that was not there before the run: [] once a run cleaned up. */
export function leftovers(service: ScimService): string[] {
  const seedIds = new Set([...bystanderSeed().users, ...bystanderSeed().groups].map((r) => String((r as Record<string, unknown>)['id'])));
  const { users, groups } = service.store.snapshot() as { users: Array<Record<string, unknown>>; groups: Array<Record<string, unknown>> };
  return [...users, ...groups].filter((r) => !seedIds.has(String(r['id']))).map((r) => String(r['userName'] ?? r['displayName']));
}

/** The resources that existed before the run, as they are now. */
export function bystanders(service: ScimService): string {
  const seedIds = new Set([...bystanderSeed().users, ...bystanderSeed().groups].map((r) => String((r as Record<string, unknown>)['id'])));
  const { users, groups } = service.store.snapshot() as { users: Array<Record<string, unknown>>; groups: Array<Record<string, unknown>> };
  return JSON.stringify([...users, ...groups].filter((r) => seedIds.has(String(r['id']))));
}
