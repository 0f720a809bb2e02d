import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from './schemas.js';
import type { ResourceStore, StoredResource } from './store.js';
import { deepCopy, isObject, type JsonObject } from './values.js';

/** The weak ETag of the resource's current version (RFC 7644 §3.14). */
export function etagOf(resource: StoredResource): string {
  return `W/"${resource.version}"`;
}

export function locationOf(resource: StoredResource, baseUrl: string): string {
  return `${baseUrl}${resource.resourceType.endpoint}/${encodeURIComponent(resource.id)}`;
}

/**
 * The resource as the server returns it: schemas first, write-only attributes removed, group
 * memberships derived (User `groups` and member `display`/`$ref`/`type` are never stored, so they
 * cannot go stale), and meta last.
 */
export function render(resource: StoredResource, store: ResourceStore, baseUrl: string): JsonObject {
  const { resourceType } = resource;
  const extensions = resourceType.extensions.map((extension) => extension.schema).filter((schema) => schema.id in resource.attributes);
  const attributes = deepCopy(resource.attributes);
  for (const schema of [resourceType.schema, ...extensions]) {
    const holder = schema === resourceType.schema ? attributes : attributes[schema.id];
    if (!isObject(holder)) continue;
    for (const definition of schema.attributes) {
      if (definition.returned === 'never') delete holder[definition.name];
    }
  }
  if (Array.isArray(attributes['members'])) {
    attributes['members'] = attributes['members'].map((member) => renderMember(member, store, baseUrl));
  }
  const groups = resourceType === USER_RESOURCE_TYPE ? groupsOf(resource.id, store, baseUrl) : [];
  return {
    schemas: [resourceType.schema.id, ...extensions.map((schema) => schema.id)],
    id: resource.id,
    ...attributes,
    ...(groups.length > 0 ? { groups } : {}),
    meta: {
      resourceType: resourceType.name,
      created: resource.created,
      lastModified: resource.lastModified,
      location: locationOf(resource, baseUrl),
      version: etagOf(resource),
    },
  };
}

function renderMember(member: unknown, store: ResourceStore, baseUrl: string): unknown {
  if (!isObject(member) || typeof member['value'] !== 'string') return member;
  const target = store.find(member['value']);
  if (target === undefined) return member;
  const display = displayNameOf(target);
  return {
    value: target.id,
    ...(display === undefined ? {} : { display }),
    $ref: locationOf(target, baseUrl),
    type: target.resourceType.name,
  };
}

function groupsOf(userId: string, store: ResourceStore, baseUrl: string): JsonObject[] {
  return store
    .list(GROUP_RESOURCE_TYPE)
    .filter((group) => memberIds(group).includes(userId))
    .map((group) => ({
      value: group.id,
      $ref: locationOf(group, baseUrl),
      display: String(group.attributes['displayName']),
      type: 'direct',
    }));
}

export function memberIds(group: StoredResource): string[] {
  return memberIdsOf(group.attributes);
}

/** The ids in a group's `members`, as stored or about to be. */
export function memberIdsOf(attributes: JsonObject): string[] {
  const members = attributes['members'];
  if (!Array.isArray(members)) return [];
  return members.flatMap((member) => (isObject(member) && typeof member['value'] === 'string' ? [member['value']] : []));
}

function displayNameOf(resource: StoredResource): string | undefined {
  const { displayName, userName } = resource.attributes;
  if (typeof displayName === 'string') return displayName;
  return typeof userName === 'string' ? userName : undefined;
}
