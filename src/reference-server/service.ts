import { randomUUID } from 'node:crypto';
import { requireBearer } from './auth.js';
import { allResourceTypes, allSchemas, findResourceType, findSchema, serviceProviderConfig } from './discovery.js';
import { queryFromParameters, queryFromSearchRequest } from './query.js';
import { render } from './render.js';
import {
  createResource,
  deleteResource,
  getResource,
  insertResource,
  listResources,
  parseJsonBody,
  patchResource,
  prepare,
  replaceResource,
  type Exchange,
  type ServiceState,
} from './resources.js';
import { errorResponse, fromError, json, listResponse, ScimHttpError } from './responses.js';
import { GROUP_RESOURCE_TYPE, RESOURCE_TYPES, USER_RESOURCE_TYPE, sameName, type ResourceTypeDefinition } from './schemas.js';
import { ResourceStore } from './store.js';
import type { ScimRequest, ScimResponse } from './types.js';
import { deepCopy, isObject } from './values.js';

export interface ServiceOptions {
  /** Where the SCIM endpoints live; default '/scim/v2'. */
  basePath?: string;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  /** The most resources one page returns; default 200. */
  maxResults?: number;
  /** Resources loaded at start and on reset(), as a client would POST them (an `id` in a seed is kept). */
  seed?: { users?: object[]; groups?: object[] };
  /** The clock for meta.created / meta.lastModified. */
  now?: () => Date;
}

export interface ScimService {
  handle(request: ScimRequest): ScimResponse;
  store: {
    /**
     * Deep copies of every resource, in insertion order, as GET would return them (without password),
     * with locations under http://127.0.0.1 since no request Host is known.
     */
    snapshot(): { users: object[]; groups: object[] };
    /** Forgets everything and loads the seed again. */
    reset(): void;
  };
}

const FALLBACK_ORIGIN = 'http://127.0.0.1';
const DISCOVERY_ENDPOINTS = ['serviceproviderconfig', 'resourcetypes', 'schemas'];

export function createScimService(options: ServiceOptions = {}): ScimService {
  const basePath = normaliseBasePath(options.basePath ?? '/scim/v2');
  const state: ServiceState = {
    store: new ResourceStore(),
    now: options.now ?? (() => new Date()),
    maxResults: options.maxResults ?? 200,
  };
  const loadSeed = () => {
    state.store.clear();
    for (const user of options.seed?.users ?? []) seedResource(state, USER_RESOURCE_TYPE, user);
    for (const group of options.seed?.groups ?? []) seedResource(state, GROUP_RESOURCE_TYPE, group);
  };
  loadSeed();

  const handle = (request: ScimRequest): ScimResponse => {
    try {
      const relativePath = stripBasePath(request.path, basePath);
      if (relativePath === undefined) {
        return errorResponse(404, `Nothing here: the SCIM endpoints are under ${basePath || '/'}.`);
      }
      if (options.token !== undefined) requireBearer(request, options.token);
      const exchange: Exchange = { request, baseUrl: `${originOf(request)}${basePath}` };
      return route(state, exchange, relativePath);
    } catch (error) {
      if (error instanceof ScimHttpError) return fromError(error);
      return errorResponse(500, 'The server failed to handle the request.');
    }
  };

  const snapshotOf = (resourceType: ResourceTypeDefinition) =>
    state.store.list(resourceType).map((resource) => deepCopy(render(resource, state.store, `${FALLBACK_ORIGIN}${basePath}`)));

  return {
    handle,
    store: {
      snapshot: () => ({ users: snapshotOf(USER_RESOURCE_TYPE), groups: snapshotOf(GROUP_RESOURCE_TYPE) }),
      reset: loadSeed,
    },
  };
}

function seedResource(state: ServiceState, resourceType: ResourceTypeDefinition, seed: object): void {
  const id = isObject(seed) && typeof seed['id'] === 'string' ? seed['id'] : randomUUID();
  insertResource(state, resourceType, prepare(state, resourceType, seed, id), id);
}

function normaliseBasePath(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, '');
  return trimmed === '' || trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

function stripBasePath(path: string, basePath: string): string | undefined {
  if (path === basePath) return '';
  return path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : undefined;
}

/** The origin clients reached us at, from the Host header; only a well-formed host is trusted into URLs. */
function originOf(request: ScimRequest): string {
  const host = request.headers['host'];
  const wellFormed = host !== undefined && /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host);
  const forwarded = request.headers['x-forwarded-proto'];
  const scheme = forwarded === 'https' || forwarded === 'http' ? forwarded : 'http';
  return wellFormed ? `${scheme}://${host}` : FALLBACK_ORIGIN;
}

function route(state: ServiceState, exchange: Exchange, relativePath: string): ScimResponse {
  const segments = splitPath(relativePath);
  const [endpoint, id, ...rest] = segments;
  const method = exchange.request.method.toUpperCase();
  if (endpoint === undefined) {
    // RFC 7644 §3.4.2.1: a query on the server root covers every resource type, subject to filtering.
    if (method === 'GET') return listResources(state, exchange, RESOURCE_TYPES, queryFromParameters(exchange.request.query, state.maxResults));
    throw new ScimHttpError(404, 'This is the SCIM base URL; resources live under /Users and /Groups.');
  }
  const resourceType = RESOURCE_TYPES.find((candidate) => sameName(candidate.endpoint, `/${endpoint}`));
  if (resourceType !== undefined) {
    if (rest.length > 0) throw notFound(exchange);
    return resourceEndpoint(state, exchange, resourceType, method, id);
  }
  if (DISCOVERY_ENDPOINTS.includes(endpoint.toLowerCase())) {
    if (rest.length > 0) throw notFound(exchange);
    return discoveryEndpoint(state, exchange, endpoint.toLowerCase(), method, id);
  }
  if (id !== undefined) throw notFound(exchange);
  if (endpoint === '.search') {
    if (method !== 'POST') throw methodNotAllowed(method, 'POST');
    return listResources(state, exchange, RESOURCE_TYPES, queryFromSearchRequest(parseJsonBody(exchange.request.body), state.maxResults));
  }
  if (sameName(endpoint, 'Bulk')) throw new ScimHttpError(501, 'Bulk operations are not supported (see /ServiceProviderConfig).');
  if (sameName(endpoint, 'Me')) throw new ScimHttpError(501, 'The /Me endpoint is not supported: requests are not tied to a User.');
  throw notFound(exchange);
}

function splitPath(relativePath: string): string[] {
  try {
    return relativePath
      .split('/')
      .filter((segment) => segment !== '')
      .map(decodeURIComponent);
  } catch {
    throw new ScimHttpError(404, 'The path is not correctly percent-encoded.');
  }
}

function resourceEndpoint(state: ServiceState, exchange: Exchange, resourceType: ResourceTypeDefinition, method: string, id: string | undefined): ScimResponse {
  if (id === undefined) {
    if (method === 'GET') return listResources(state, exchange, [resourceType], queryFromParameters(exchange.request.query, state.maxResults));
    if (method === 'POST') return createResource(state, exchange, resourceType);
    throw methodNotAllowed(method, 'GET, POST');
  }
  if (id === '.search') {
    if (method !== 'POST') throw methodNotAllowed(method, 'POST');
    return listResources(state, exchange, [resourceType], queryFromSearchRequest(parseJsonBody(exchange.request.body), state.maxResults));
  }
  switch (method) {
    case 'GET':
      return getResource(state, exchange, resourceType, id);
    case 'PUT':
      return replaceResource(state, exchange, resourceType, id);
    case 'PATCH':
      return patchResource(state, exchange, resourceType, id);
    case 'DELETE':
      return deleteResource(state, exchange, resourceType, id);
    default:
      throw methodNotAllowed(method, 'GET, PUT, PATCH, DELETE');
  }
}

function discoveryEndpoint(state: ServiceState, exchange: Exchange, endpoint: string, method: string, id: string | undefined): ScimResponse {
  // RFC 7644 §4: discovery endpoints are read-only.
  if (method !== 'GET') throw methodNotAllowed(method, 'GET');
  // RFC 7644 §4: a filter here SHOULD be refused, so that clients do not assume it was applied.
  if (exchange.request.query.has('filter')) throw new ScimHttpError(403, 'Discovery endpoints do not support filtering.');
  const { baseUrl } = exchange;
  switch (endpoint) {
    case 'serviceproviderconfig':
      if (id !== undefined) throw notFound(exchange);
      return json(200, serviceProviderConfig(baseUrl, state.maxResults));
    case 'resourcetypes': {
      if (id !== undefined) return json(200, findResourceType(id, baseUrl));
      const resourceTypes = allResourceTypes(baseUrl);
      return listResponse(resourceTypes, resourceTypes.length, 1);
    }
    default: {
      if (id !== undefined) return json(200, findSchema(id, baseUrl));
      const schemas = allSchemas(baseUrl);
      return listResponse(schemas, schemas.length, 1);
    }
  }
}

function notFound(exchange: Exchange): ScimHttpError {
  return new ScimHttpError(404, `No SCIM endpoint at ${exchange.request.path}.`);
}

function methodNotAllowed(method: string, allow: string): ScimHttpError {
  return new ScimHttpError(405, `${method} is not allowed here; use ${allow}.`, undefined, { allow });
}
