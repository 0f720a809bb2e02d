import { randomUUID } from 'node:crypto';
import { applyPatch } from './patch.js';
import { project } from './projection.js';
import { projectionFromParameters, runQuery, type ListQuery } from './query.js';
import { etagOf, locationOf, memberIds, memberIdsOf, render } from './render.js';
import { badRequest, json, listResponse, noContent, ScimHttpError } from './responses.js';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE, type AttributeDefinition, type ResourceTypeDefinition } from './schemas.js';
import type { ResourceStore, StoredResource } from './store.js';
import type { ScimRequest, ScimResponse } from './types.js';
import { readResource } from './validate.js';
import { isObject, type JsonObject } from './values.js';

export interface ServiceState {
  store: ResourceStore;
  now: () => Date;
  maxResults: number;
}

/** One request, with the absolute base URL that locations in the response are built from. */
export interface Exchange {
  request: ScimRequest;
  baseUrl: string;
}

export function parseJsonBody(body: string): unknown {
  if (body.trim() === '') throw badRequest('invalidSyntax', 'The request body is empty; a JSON object is expected.');
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw badRequest('invalidSyntax', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

export function createResource(state: ServiceState, exchange: Exchange, resourceType: ResourceTypeDefinition): ScimResponse {
  const attributes = prepare(state, resourceType, parseJsonBody(exchange.request.body), undefined);
  const created = insertResource(state, resourceType, attributes, randomUUID());
  if (resourceType === GROUP_RESOURCE_TYPE) touchMembers(state, {}, attributes);
  return resourceResponse(state, exchange, created, 201, { location: locationOf(created, exchange.baseUrl) });
}

/** Stores validated attributes as a new resource; also used to load the seed. */
export function insertResource(state: ServiceState, resourceType: ResourceTypeDefinition, attributes: JsonObject, id: string): StoredResource {
  const timestamp = state.now().toISOString();
  const resource: StoredResource = { id, resourceType, attributes, created: timestamp, lastModified: timestamp, version: 1 };
  state.store.save(resource);
  return resource;
}

export function getResource(state: ServiceState, exchange: Exchange, resourceType: ResourceTypeDefinition, id: string): ScimResponse {
  const resource = find(state, resourceType, id);
  if (matchesIfNoneMatch(exchange.request, resource)) return noContent(304, { etag: etagOf(resource) });
  return resourceResponse(state, exchange, resource, 200);
}

export function replaceResource(state: ServiceState, exchange: Exchange, resourceType: ResourceTypeDefinition, id: string): ScimResponse {
  const resource = find(state, resourceType, id);
  checkIfMatch(exchange.request, resource);
  const attributes = prepare(state, resourceType, parseJsonBody(exchange.request.body), id);
  update(state, resource, attributes);
  return resourceResponse(state, exchange, resource, 200);
}

export function patchResource(state: ServiceState, exchange: Exchange, resourceType: ResourceTypeDefinition, id: string): ScimResponse {
  const resource = find(state, resourceType, id);
  checkIfMatch(exchange.request, resource);
  const patched = applyPatch(resourceType, resource.attributes, parseJsonBody(exchange.request.body));
  update(state, resource, prepare(state, resourceType, patched, id));
  const projection = projectionFromParameters(exchange.request.query);
  const wantsBody = projection.attributes.length > 0 || projection.excludedAttributes.length > 0;
  // Entra prefers 204 for groups (RFC 7644 §3.5.2 allows it); a client that asks for attributes gets them.
  if (resourceType === GROUP_RESOURCE_TYPE && !wantsBody) return noContent(204, { etag: etagOf(resource) });
  return resourceResponse(state, exchange, resource, 200);
}

export function deleteResource(state: ServiceState, exchange: Exchange, resourceType: ResourceTypeDefinition, id: string): ScimResponse {
  const resource = find(state, resourceType, id);
  checkIfMatch(exchange.request, resource);
  state.store.delete(resourceType, id);
  if (resourceType === GROUP_RESOURCE_TYPE) touchMembers(state, resource.attributes, undefined);
  for (const group of state.store.list(GROUP_RESOURCE_TYPE)) {
    if (memberIds(group).includes(id)) {
      const members = (group.attributes['members'] as unknown[]).filter((member) => !isObject(member) || member['value'] !== id);
      update(state, group, { ...group.attributes, members });
    }
  }
  return noContent(204);
}

export function listResources(state: ServiceState, exchange: Exchange, resourceTypes: ResourceTypeDefinition[], query: ListQuery): ScimResponse {
  const stored = resourceTypes.flatMap((resourceType) => state.store.list(resourceType).map((resource) => ({ resourceType, resource })));
  const rendered = ({ resourceType, resource }: (typeof stored)[number]) => ({ resourceType, resource: render(resource, state.store, exchange.baseUrl) });
  if (query.filter === undefined && query.sortBy === undefined) {
    // Paging through everything (Okta's import) renders only the page, so a walk stays linear.
    const page = stored.slice(query.startIndex - 1, query.startIndex - 1 + query.count).map(rendered);
    const resources = page.map(({ resourceType, resource }) => project(resource, resourceType, query.projection));
    return listResponse(resources, stored.length, query.startIndex);
  }
  const result = runQuery(resourceTypes, stored.map(rendered), query);
  return listResponse(result.resources, result.totalResults, result.startIndex);
}

/** Validates a body for POST, PUT or (after patching) PATCH, and applies the cross-resource rules. */
export function prepare(state: ServiceState, resourceType: ResourceTypeDefinition, body: unknown, id: string | undefined): JsonObject {
  const attributes = readResource(resourceType, body);
  if (resourceType === GROUP_RESOURCE_TYPE) resolveMembers(state, attributes, id);
  checkUniqueness(state, resourceType, attributes, id);
  return attributes;
}

function find(state: ServiceState, resourceType: ResourceTypeDefinition, id: string): StoredResource {
  const resource = state.store.get(resourceType, id);
  if (resource === undefined) throw new ScimHttpError(404, `${resourceType.name} ${JSON.stringify(id)} not found.`);
  return resource;
}

function update(state: ServiceState, resource: StoredResource, attributes: JsonObject): void {
  if (JSON.stringify(attributes) === JSON.stringify(resource.attributes)) return;
  const before = resource.attributes;
  resource.attributes = attributes;
  touch(state, resource);
  if (resource.resourceType === GROUP_RESOURCE_TYPE) touchMembers(state, before, attributes);
}

function touch(state: ServiceState, resource: StoredResource): void {
  resource.lastModified = state.now().toISOString();
  resource.version += 1;
}

/**
 * A user's `groups` is derived from the groups' members, so the users who joined or left a group
 * (created: `before` is {}), or all its members when it was renamed or deleted (`after` undefined),
 * have changed too: a new version, or a client's If-None-Match would keep a stale copy.
 */
function touchMembers(state: ServiceState, before: JsonObject, after: JsonObject | undefined): void {
  const was = new Set(memberIdsOf(before));
  const is = new Set(after === undefined ? [] : memberIdsOf(after));
  const renamed = after === undefined || (before['displayName'] !== undefined && before['displayName'] !== after['displayName']);
  const affected = renamed ? new Set([...was, ...is]) : new Set([...was, ...is].filter((id) => was.has(id) !== is.has(id)));
  for (const id of affected) {
    const member = state.store.find(id);
    if (member?.resourceType === USER_RESOURCE_TYPE) touch(state, member);
  }
}

function resourceResponse(state: ServiceState, exchange: Exchange, resource: StoredResource, status: number, headers: Record<string, string> = {}): ScimResponse {
  const rendered = render(resource, state.store, exchange.baseUrl);
  const body = project(rendered, resource.resourceType, projectionFromParameters(exchange.request.query));
  return json(status, body, { etag: etagOf(resource), ...headers });
}

/** Keeps members that exist, once each, storing only their ids (display, $ref and type are derived). */
function resolveMembers(state: ServiceState, attributes: JsonObject, groupId: string | undefined): void {
  const members = attributes['members'];
  if (!Array.isArray(members)) return;
  const ids = new Set<string>();
  for (const member of members) {
    const value = isObject(member) ? member['value'] : undefined;
    if (typeof value !== 'string' || value === '') throw badRequest('invalidValue', 'Each member needs a "value": the id of a User or Group.');
    if (value === groupId) throw badRequest('invalidValue', 'A group cannot be a member of itself.');
    if (state.store.find(value) === undefined) throw badRequest('invalidValue', `Member ${JSON.stringify(value)} is not a User or Group on this server.`);
    ids.add(value);
  }
  attributes['members'] = [...ids].map((value) => ({ value }));
}

function checkUniqueness(state: ServiceState, resourceType: ResourceTypeDefinition, attributes: JsonObject, id: string | undefined): void {
  for (const definition of resourceType.schema.attributes) {
    if (definition.uniqueness === 'none') continue;
    const value = attributes[definition.name];
    const clash = state.store.list(resourceType).find((other) => other.id !== id && sameValue(definition, other.attributes[definition.name], value));
    if (clash !== undefined) {
      throw new ScimHttpError(409, `${definition.name} ${JSON.stringify(value)} is already taken by ${resourceType.name} ${clash.id}.`, 'uniqueness');
    }
  }
}

function sameValue(definition: AttributeDefinition, a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  // RFC 7644 §5: a userName's uniqueness is judged after PRECIS preparation (RFC 7613 §3), whose
  // width mapping NFKC covers: "ｒｆｃ" is "rfc".
  const prepared = (text: string) => (definition.name === 'userName' ? text.normalize('NFKC') : text);
  return definition.caseExact ? prepared(a) === prepared(b) : prepared(a).toLowerCase() === prepared(b).toLowerCase();
}

/** Entity tags compared without the weak prefix: SCIM clients send back the W/"n" they were given. */
function entityTags(header: string): string[] {
  return header.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
}

function checkIfMatch(request: ScimRequest, resource: StoredResource): void {
  const header = request.headers['if-match'];
  if (header === undefined || header.trim() === '*') return;
  if (!entityTags(header).includes(`"${resource.version}"`)) {
    throw new ScimHttpError(412, `If-Match ${header} does not match the current version ${etagOf(resource)}; fetch the resource again.`);
  }
}

function matchesIfNoneMatch(request: ScimRequest, resource: StoredResource): boolean {
  const header = request.headers['if-none-match'];
  if (header === undefined) return false;
  return header.trim() === '*' || entityTags(header).includes(`"${resource.version}"`);
}
