import { COMMON_ATTRIBUTES, keysOf, resolveAttribute, sameName, type ResourceTypeDefinition } from './schemas.js';
import { isObject, type JsonObject } from './values.js';

export interface Projection {
  attributes: string[];
  excludedAttributes: string[];
}

/** A set of paths as a tree of storage keys (lower-cased); `true` selects everything below. */
type Selection = Map<string, Selection | true>;

/**
 * Applies `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5) to a resource as returned.
 * Names we do not define are ignored. `attributes` wins when both are given. Attributes whose schema
 * says returned "always" (id, and schemas) are kept either way.
 */
export function project(resource: JsonObject, resourceType: ResourceTypeDefinition, projection: Projection): JsonObject {
  if (projection.attributes.length > 0) {
    const selection = select(resourceType, [...projection.attributes, ...alwaysReturned(resourceType)]);
    selection.set('schemas', true);
    return pick(resource, selection);
  }
  if (projection.excludedAttributes.length > 0) {
    const always = new Set(alwaysReturned(resourceType).map((name) => name.toLowerCase()));
    const excluded = projection.excludedAttributes.filter((name) => !always.has(name.toLowerCase()) && !sameName(name, 'schemas'));
    return drop(resource, select(resourceType, excluded));
  }
  return resource;
}

/** Parses a comma-separated attribute list as sent in a query string. */
export function attributeList(text: string | null | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

function alwaysReturned(resourceType: ResourceTypeDefinition): string[] {
  return [...COMMON_ATTRIBUTES, ...resourceType.schema.attributes].filter((definition) => definition.returned === 'always').map((definition) => definition.name);
}

function select(resourceType: ResourceTypeDefinition, paths: string[]): Selection {
  const selection: Selection = new Map();
  for (const path of paths) {
    const extension = resourceType.extensions.find((candidate) => sameName(candidate.schema.id, path));
    const keys = extension !== undefined ? [extension.schema.id] : keysFor(resourceType, path);
    if (keys !== undefined)
      addPath(
        selection,
        keys.map((key) => key.toLowerCase()),
      );
  }
  return selection;
}

function keysFor(resourceType: ResourceTypeDefinition, path: string): string[] | undefined {
  const resolved = resolveAttribute(resourceType, path);
  return resolved === undefined ? undefined : keysOf(resolved);
}

function addPath(selection: Selection, keys: string[]): void {
  const [first, ...rest] = keys;
  if (first === undefined) return;
  const existing = selection.get(first);
  if (existing === true) return;
  if (rest.length === 0) {
    selection.set(first, true);
    return;
  }
  const child: Selection = existing ?? new Map();
  selection.set(first, child);
  addPath(child, rest);
}

function pick(node: JsonObject, selection: Selection): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    const chosen = selection.get(key.toLowerCase());
    if (chosen === undefined) continue;
    if (chosen === true) result[key] = value;
    else if (Array.isArray(value)) result[key] = value.map((entry) => (isObject(entry) ? pick(entry, chosen) : entry));
    else if (isObject(value)) result[key] = pick(value, chosen);
  }
  return result;
}

function drop(node: JsonObject, selection: Selection): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    const excluded = selection.get(key.toLowerCase());
    if (excluded === true) continue;
    if (excluded === undefined) result[key] = value;
    else if (Array.isArray(value)) result[key] = value.map((entry) => (isObject(entry) ? drop(entry, excluded) : entry));
    else if (isObject(value)) result[key] = drop(value, excluded);
    else result[key] = value;
  }
  return result;
}
