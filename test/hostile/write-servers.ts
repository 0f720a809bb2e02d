/**
 * Hostile servers for the write path: each breaks what a write run relies on to keep its hands off
 * other people's data (the id a create answers with, a DELETE that removes, a store that can be
 * read back at once). They wrap the recording reference server (test/servers/recording.ts), whose
 * store holds bystanders: users and groups that exist before any run.
 */
import { randomUUID } from 'node:crypto';
import type { ScimRequest, ScimResponse } from '../../src/reference-server/types.js';
import type { ScimService } from '../../src/reference-server/index.js';
import { bystanderSeed, type Breakage } from '../servers/recording.js';

export type Kind = 'Users' | 'Groups';
export type FlowName = 'okta' | 'entra' | 'group' | 'bad' | 'etag';

export const FLOW_NAMES: readonly FlowName[] = ['okta', 'entra', 'group', 'bad', 'etag'];

const seed = bystanderSeed();
const idOf = (resource: object) => String((resource as Record<string, unknown>)['id']);
/** A bystander user who is also a member of the bystander group below. */
export const BYSTANDER_USER_ID = idOf(seed.users[0] ?? {});
export const BYSTANDER_GROUP_ID = idOf(seed.groups[0] ?? {});
export const BYSTANDER_IDS: ReadonlySet<string> = new Set([...seed.users, ...seed.groups].map(idOf));

export interface HostileWriteServer {
  name: string;
  cause: string;
  breakage: Breakage;
  /** The flows in which a create is answered with a resource that is not the one created. */
  blocks: readonly FlowName[];
  /** Whether DELETE leaves resources in place, so that the run must name them. */
  keepsResources: boolean;
}

const isCreate = (request: ScimRequest, kind: Kind) => request.method === 'POST' && request.path.endsWith(`/${kind}`);
const isDelete = (request: ScimRequest) => request.method === 'DELETE' && /\/(Users|Groups)\/[^/]+$/.test(request.path);

/** Creates the resource, then answers as if it had this other id (body and Location). */
function answerWithId(service: ScimService, request: ScimRequest, id: string): ScimResponse {
  const response = service.handle(request);
  if (response.status !== 201 || response.body === undefined) return response;
  const body = JSON.parse(response.body) as Record<string, unknown>;
  const real = String(body['id']);
  const location = response.headers['location']?.replace(real, id);
  return { ...response, headers: { ...response.headers, ...(location === undefined ? {} : { location }) }, body: JSON.stringify({ ...body, id }) };
}

/** DELETE answered with `response`, and nothing removed. */
function deleteAnswers(response: ScimResponse): Breakage {
  return (request, service) => (isDelete(request) ? response : service.handle(request));
}

const scimError = (status: number, detail: string): ScimResponse => ({
  status,
  headers: { 'content-type': 'application/scim+json' },
  body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail }),
});

/** The first `hidden` GETs of each new resource answer 404: an eventually consistent store. */
export function lagging(hidden: number): Breakage {
  const reads = new Map<string, number>();
  return (request, service) => {
    const response = service.handle(request);
    const id = request.path.split('/').pop() ?? '';
    if (isCreate(request, 'Users') || isCreate(request, 'Groups')) {
      if (response.body !== undefined) reads.set(String((JSON.parse(response.body) as Record<string, unknown>)['id']), 0);
      return response;
    }
    const seen = reads.get(id);
    if (request.method !== 'GET' || seen === undefined || seen >= hidden) return response;
    reads.set(id, seen + 1);
    return scimError(404, 'not found (yet)');
  };
}

const ALL_FLOWS = FLOW_NAMES;

export const hostileWriteServers: readonly HostileWriteServer[] = [
  {
    name: 'steals-user-id',
    cause: 'POST /Users answers 201 with the id of an existing bystander user',
    breakage: (request, service) => (isCreate(request, 'Users') ? answerWithId(service, request, BYSTANDER_USER_ID) : service.handle(request)),
    blocks: ALL_FLOWS,
    keepsResources: false,
  },
  {
    name: 'steals-group-id',
    cause: 'POST /Groups answers 201 with the id of an existing bystander group that has a member',
    breakage: (request, service) => (isCreate(request, 'Groups') ? answerWithId(service, request, BYSTANDER_GROUP_ID) : service.handle(request)),
    blocks: ['group'],
    keepsResources: false,
  },
  {
    name: 'phantom-id',
    cause: 'a create answers 201 with an id that does not exist',
    breakage: (request, service) => (isCreate(request, 'Users') || isCreate(request, 'Groups') ? answerWithId(service, request, randomUUID()) : service.handle(request)),
    blocks: ALL_FLOWS,
    keepsResources: false,
  },
  {
    name: 'delete-404-html',
    cause: 'DELETE answers 404 with an HTML "Cannot DELETE" page and removes nothing',
    breakage: (request, service) =>
      isDelete(request) ? { status: 404, headers: { 'content-type': 'text/html' }, body: `<!DOCTYPE html><pre>Cannot DELETE ${request.path}</pre>` } : service.handle(request),
    blocks: [],
    keepsResources: true,
  },
  { name: 'delete-405', cause: 'DELETE answers 405', breakage: deleteAnswers(scimError(405, 'DELETE is not supported')), blocks: [], keepsResources: true },
  { name: 'delete-500', cause: 'DELETE answers 500', breakage: deleteAnswers(scimError(500, 'boom')), blocks: [], keepsResources: true },
  {
    name: 'delete-204-kept',
    cause: 'DELETE answers 204, and the resource is still there',
    breakage: deleteAnswers({ status: 204, headers: {} }),
    blocks: [],
    keepsResources: true,
  },
];
