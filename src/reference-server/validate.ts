import { badRequest } from './responses.js';
import { COMMON_ATTRIBUTES, findAttribute, sameName, type AttributeDefinition, type ResourceTypeDefinition } from './schemas.js';
import { isObject, type JsonObject } from './values.js';

/**
 * Turns a client's resource body into what we store: attribute names in canonical case, unknown and
 * readOnly attributes dropped (RFC 7644 §3.3 and §3.5.1 say the server ignores them), null treated as
 * unassigned, and values checked against their schema type. Throws 400 invalidValue on a wrong type.
 */
export function readResource(resourceType: ResourceTypeDefinition, input: unknown): JsonObject {
  if (!isObject(input)) throw badRequest('invalidSyntax', 'The request body must be a JSON object.');
  const stored: JsonObject = {};
  for (const [key, value] of Object.entries(input)) {
    if (sameName(key, 'schemas')) {
      checkSchemasList(value);
      continue;
    }
    const extension = resourceType.extensions.find((candidate) => sameName(candidate.schema.id, key));
    if (extension !== undefined) {
      if (value === null || value === undefined) continue;
      if (!isObject(value)) throw badRequest('invalidValue', `"${extension.schema.id}" must be a JSON object.`);
      const attributes = readAttributes(extension.schema.attributes, value, `${extension.schema.id}:`);
      if (Object.keys(attributes).length > 0) stored[extension.schema.id] = attributes;
      continue;
    }
    const definition = findAttribute(resourceType.schema.attributes, key) ?? findAttribute(COMMON_ATTRIBUTES, key);
    if (definition === undefined) continue;
    const coerced = readAttribute(definition, value, definition.name);
    if (coerced !== undefined) stored[definition.name] = coerced;
  }
  checkRequired(resourceType, stored);
  return stored;
}

function checkSchemasList(value: unknown): void {
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
    throw badRequest('invalidValue', '"schemas" must be an array of schema URIs.');
  }
}

function checkRequired(resourceType: ResourceTypeDefinition, stored: JsonObject): void {
  for (const definition of resourceType.schema.attributes) {
    const value = stored[definition.name];
    if (definition.required && (value === undefined || value === '')) {
      throw badRequest('invalidValue', `"${definition.name}" is required.`);
    }
  }
}

function readAttributes(definitions: AttributeDefinition[], input: JsonObject, prefix: string): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(input)) {
    const definition = findAttribute(definitions, key);
    if (definition === undefined) continue;
    const coerced = readAttribute(definition, value, `${prefix}${definition.name}`);
    if (coerced !== undefined) result[definition.name] = coerced;
  }
  return result;
}

/** undefined means "leave the attribute unassigned". */
function readAttribute(definition: AttributeDefinition, value: unknown, path: string): unknown {
  if (definition.mutability === 'readOnly' || value === null || value === undefined) return undefined;
  if (!definition.multiValued) return readSingleValue(definition, value, path);
  if (!Array.isArray(value)) throw badRequest('invalidValue', `"${path}" is multi-valued and must be a JSON array.`);
  const values = value
    .filter((entry) => entry !== null && entry !== undefined)
    .map((entry) => readSingleValue(definition, entry, path))
    .filter((entry) => entry !== undefined);
  if (values.filter((entry) => isObject(entry) && entry['primary'] === true).length > 1) {
    throw badRequest('invalidValue', `"${path}" has more than one value with "primary": true (RFC 7643 §2.4).`);
  }
  return values;
}

function readSingleValue(definition: AttributeDefinition, value: unknown, path: string): unknown {
  const wrongType = () => badRequest('invalidValue', `"${path}" must be of type ${definition.type}.`);
  switch (definition.type) {
    case 'complex': {
      if (!isObject(value)) throw badRequest('invalidValue', `"${path}" must be a JSON object (a complex attribute).`);
      const result = readAttributes(definition.subAttributes ?? [], value, `${path}.`);
      return Object.keys(result).length > 0 ? result : undefined;
    }
    case 'boolean': {
      const flag = readBoolean(value);
      if (flag === undefined) throw wrongType();
      return flag;
    }
    case 'integer':
      if (!Number.isInteger(value)) throw wrongType();
      return value;
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType();
      return value;
    case 'dateTime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw wrongType();
      return value;
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value !== 'string') throw wrongType();
      return value;
  }
}

/** Entra sends booleans as the strings "True" and "False"; we store JSON booleans. */
export function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}
