import { keysOf, type ResolvedAttribute } from './schemas.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepCopy<T>(value: T): T {
  return structuredClone(value);
}

/**
 * Every value found at the end of a resolved path, with multi-valued attributes flattened
 * (`emails.value` gives one entry per email). Unassigned values are left out.
 */
export function readValues(resource: JsonObject, resolved: ResolvedAttribute): unknown[] {
  let current: unknown[] = [resource];
  for (const key of keysOf(resolved)) {
    current = current
      .flatMap((node) => (isObject(node) ? [node[key]] : []))
      .flatMap((value) => (Array.isArray(value) ? value : [value]))
      .filter((value) => value !== undefined && value !== null);
  }
  return current;
}

/** RFC 7643 §2.4: a multi-valued attribute is sorted or compared by its primary value, else its first. */
export function primaryOrFirst(values: unknown[]): unknown {
  return values.find((value) => isObject(value) && value['primary'] === true) ?? values[0];
}
