import {
  InvalidScimPatchRequest,
  NoPathInScimPatchOp,
  NoTarget,
  RemoveValueNestedArrayNotSupported,
  RemoveValueNotArray,
  ScimError as PatchLibraryError,
  scimPatch,
  type ScimPatchOperation,
  type ScimResource,
} from 'scim-patch';
import { compileValueFilter, type Predicate } from './filter.js';
import { badRequest, ScimHttpError } from './responses.js';
import { COMMON_ATTRIBUTES, MESSAGE_URN, findAttribute, findExtension, sameName, splitSchemaPrefix, type AttributeDefinition, type ResourceTypeDefinition } from './schemas.js';
import { deepCopy, isObject, type JsonObject } from './values.js';

type Op = 'add' | 'remove' | 'replace';

/** A path checked against the schema, with attribute names in canonical case. */
interface PatchPath {
  extension: string | undefined;
  attribute: AttributeDefinition;
  subAttribute: AttributeDefinition | undefined;
  /** Selects values of a multi-valued attribute: from `emails[type eq "work"]`, or Entra's remove-by-value. */
  selector: { text: string | undefined; matches: Predicate } | undefined;
}

interface PatchStep {
  op: Op;
  path: PatchPath;
  value: unknown;
}

/**
 * Applies a PatchOp request (RFC 7644 §3.5.2) to a resource's stored attributes and returns the new
 * attributes, still to be validated like a PUT body. scim-patch does the editing; this module first
 * rewrites what real clients send into plain single-path operations it handles correctly:
 * - op names in any case ("Replace", Entra);
 * - a no-path add/replace becomes one operation per attribute, so `{"name.givenName": "x"}` (Entra) and
 *   extension keys expand to nested paths, and readOnly keys such as `id` (Okta's group rename) are skipped;
 * - `remove` on `members` with `value: [{"value": id}]` (Entra) removes just those members;
 * - value filters (`members[value eq "id"]`) are evaluated by our schema-aware filter, which honours
 *   caseExact; the library's own filter does not, and it misreads paths whose filter contains ":".
 */
export function applyPatch(resourceType: ResourceTypeDefinition, attributes: JsonObject, body: unknown): JsonObject {
  const steps = readPatchRequest(body).flatMap((operation) => toSteps(resourceType, operation));
  const document = deepCopy(attributes) as JsonObject & ScimResource;
  for (const step of steps) {
    applyStep(document, step);
    keepOnePrimary(document, step);
  }
  return document;
}

/** RFC 7644 §3.5.2: a value an add or replace makes primary makes the attribute's other values not primary. */
function keepOnePrimary(document: JsonObject, step: PatchStep): void {
  const { attribute, subAttribute, selector, extension } = step.path;
  if (step.op === 'remove' || !attribute.multiValued || attribute.type !== 'complex') return;
  const container = extension === undefined ? document : document[extension];
  const values = isObject(container) ? container[attribute.name] : undefined;
  if (!Array.isArray(values)) return;
  const sent = (Array.isArray(step.value) ? step.value : [step.value]).filter(isObject);
  const madePrimary = (element: JsonObject) =>
    subAttribute === undefined
      ? sent.some((entry) => entry['primary'] === true && entry['value'] === element['value'])
      : sameName(subAttribute.name, 'primary') && step.value === true && selector?.matches(element) === true;
  const chosen = values.filter((element): element is JsonObject => isObject(element) && element['primary'] === true && madePrimary(element));
  const keep = chosen[chosen.length - 1];
  if (keep === undefined) return;
  for (const element of values) if (isObject(element) && element !== keep && element['primary'] === true) element['primary'] = false;
}

interface PatchOperation {
  op: Op;
  path: string | undefined;
  value: unknown;
  hasValue: boolean;
}

function readPatchRequest(body: unknown): PatchOperation[] {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'A PATCH body must be a JSON object.');
  const { schemas, Operations: operations } = body;
  if (!Array.isArray(schemas) || !schemas.some((urn) => typeof urn === 'string' && sameName(urn, MESSAGE_URN.patchOp))) {
    throw badRequest('invalidSyntax', `A PATCH body must list "${MESSAGE_URN.patchOp}" in "schemas".`);
  }
  if (!Array.isArray(operations) || operations.length === 0) {
    throw badRequest('invalidSyntax', 'A PATCH body must have a non-empty "Operations" array.');
  }
  return operations.map((operation, index) => {
    if (!isObject(operation)) throw badRequest('invalidSyntax', `Operations[${index}] must be a JSON object.`);
    const op = typeof operation['op'] === 'string' ? operation['op'].toLowerCase() : undefined;
    if (op !== 'add' && op !== 'remove' && op !== 'replace') {
      throw badRequest('invalidSyntax', `Operations[${index}].op must be "add", "remove" or "replace", not ${JSON.stringify(operation['op'])}.`);
    }
    const path = operation['path'];
    if (path !== undefined && (typeof path !== 'string' || path.trim() === '')) {
      throw badRequest('invalidPath', `Operations[${index}].path must be a non-empty string.`);
    }
    return { op, path: path?.trim(), value: operation['value'], hasValue: 'value' in operation };
  });
}

function toSteps(resourceType: ResourceTypeDefinition, operation: PatchOperation): PatchStep[] {
  const { op, path, value } = operation;
  if (op !== 'remove' && !operation.hasValue) throw badRequest('invalidValue', `"${op}" needs a "value".`);
  if (path === undefined) {
    // RFC 7644 §3.5.2.2: a remove without a path fails with noTarget.
    if (op === 'remove') throw badRequest('noTarget', '"remove" needs a "path".');
    return stepsForAttributeMap(resourceType, op, value, '');
  }
  if (sameName(path, 'schemas') && op !== 'remove') return schemasSteps(resourceType, value);
  const extension = findExtension(resourceType, path);
  if (extension !== undefined) {
    // The whole extension as the target: one step per attribute in it.
    if (op === 'remove') {
      return extension.attributes.map((attribute) => ({ op, path: pathOf(extension.id, attribute), value: undefined }));
    }
    return stepsForAttributeMap(resourceType, op, value, `${extension.id}:`);
  }
  const parsed = parsePath(resourceType, path);
  // RFC 7644 §3.5.2.2: removing a required attribute is a mutability error.
  if (op === 'remove' && parsed.attribute.required && parsed.selector === undefined && parsed.subAttribute === undefined) {
    throw badRequest('mutability', `"${parsed.attribute.name}" is required and cannot be removed.`);
  }
  if (op === 'remove' && operation.hasValue && parsed.selector === undefined && parsed.subAttribute === undefined) {
    const byValue = removeByValue(parsed, value);
    if (byValue !== undefined) return [{ op, path: byValue, value: undefined }];
  }
  return [{ op, path: parsed, value }];
}

/**
 * An add or replace of "schemas" (RFC 7644 §3.5.2: the operations after it "SHALL assume the modified
 * state"). Our "schemas" is derived from the attributes a resource holds, and every extension of the
 * resource type is always accepted, so the state that follows needs no step; a URN the resource type
 * does not declare is refused (RFC 7643 §3).
 */
function schemasSteps(resourceType: ResourceTypeDefinition, value: unknown): PatchStep[] {
  const urns = Array.isArray(value) ? value : [value];
  const known = [resourceType.schema.id, ...resourceType.extensions.map((extension) => extension.schema.id)];
  const unknown = urns.filter((urn) => typeof urn !== 'string' || !known.some((id) => sameName(id, urn)));
  if (unknown.length > 0) throw badRequest('invalidValue', `"schemas" may hold only ${known.join(', ')}, not ${JSON.stringify(unknown[0])}.`);
  return [];
}

/** A no-path add/replace: `value` is a map of attribute paths (possibly dotted or URN-prefixed) to values. */
function stepsForAttributeMap(resourceType: ResourceTypeDefinition, op: Op, value: unknown, prefix: string): PatchStep[] {
  if (!isObject(value)) throw badRequest('invalidValue', `Without a "path", "${op}" needs a JSON object as its "value".`);
  return Object.entries(value).flatMap(([key, attributeValue]): PatchStep[] => {
    if (sameName(key, 'schemas')) return [];
    const extension = prefix === '' ? findExtension(resourceType, key) : undefined;
    if (extension !== undefined) return stepsForAttributeMap(resourceType, op, attributeValue, `${extension.id}:`);
    const parsed = pathOrUndefined(resourceType, `${prefix}${key}`);
    return parsed === undefined ? [] : [{ op, path: parsed, value: attributeValue }];
  });
}

function pathOf(extension: string, attribute: AttributeDefinition): PatchPath {
  return { extension, attribute, subAttribute: undefined, selector: undefined };
}

const PATH_SYNTAX = /^([^.[\]\s]+)(?:\[(.+)\])?(?:\.([^.[\]\s]+))?$/s;

/** Unknown attributes are ignored as on POST; readOnly ones too (Okta sends the group's `id` when renaming it). */
function pathOrUndefined(resourceType: ResourceTypeDefinition, path: string): PatchPath | undefined {
  try {
    return parsePath(resourceType, path);
  } catch (error) {
    if (error instanceof ScimHttpError && (error.scimType === 'invalidPath' || error.scimType === 'mutability')) return undefined;
    throw error;
  }
}

function parsePath(resourceType: ResourceTypeDefinition, path: string): PatchPath {
  const { schema, extension, rest } = splitSchemaPrefix(resourceType, path);
  const match = PATH_SYNTAX.exec(rest);
  const invalid = (why: string) => badRequest('invalidPath', `The path ${JSON.stringify(path)} is not valid: ${why}.`);
  if (match === null) throw invalid('expected attribute, attribute.subAttribute or attribute[filter].subAttribute');
  const [, attributeName = '', filterText, subAttributeName] = match;
  const attribute = findAttribute(schema.attributes, attributeName) ?? (extension === undefined ? findAttribute(COMMON_ATTRIBUTES, attributeName) : undefined);
  if (attribute === undefined) throw invalid(`"${attributeName}" is not an attribute of ${schema.id}`);
  const subAttribute = subAttributeName === undefined ? undefined : findAttribute(attribute.subAttributes, subAttributeName);
  if (subAttributeName !== undefined && subAttribute === undefined) {
    throw invalid(`"${subAttributeName}" is not a sub-attribute of "${attribute.name}"`);
  }
  if (filterText !== undefined && !(attribute.multiValued && attribute.type === 'complex')) {
    throw invalid(`"${attribute.name}" is not a multi-valued complex attribute, so it cannot take a [filter]`);
  }
  const selector = filterText === undefined ? undefined : { text: filterText, matches: compileValueFilter(filterText, attribute) };
  const parsed: PatchPath = { extension, attribute, subAttribute, selector };
  if (isReadOnly(parsed)) {
    throw badRequest('mutability', `"${attribute.name}${subAttribute === undefined ? '' : `.${subAttribute.name}`}" is read-only.`);
  }
  return parsed;
}

function isReadOnly(path: PatchPath): boolean {
  return path.attribute.mutability === 'readOnly' || path.subAttribute?.mutability === 'readOnly';
}

/** Entra removes members as `{"op":"Remove","path":"members","value":[{"value":"<id>"}]}`. */
function removeByValue(path: PatchPath, value: unknown): PatchPath | undefined {
  const valueAttribute = findAttribute(path.attribute.subAttributes, 'value');
  if (!path.attribute.multiValued || valueAttribute === undefined) return undefined;
  const entries = Array.isArray(value) ? value : [value];
  if (!entries.every((entry) => isObject(entry) && typeof entry['value'] === 'string')) return undefined;
  const fold = (text: string) => (valueAttribute.caseExact ? text : text.toLowerCase());
  const doomed = new Set(entries.map((entry) => fold(String((entry as JsonObject)['value']))));
  const matches: Predicate = (element) => typeof element['value'] === 'string' && doomed.has(fold(element['value']));
  return { ...path, selector: { text: undefined, matches } };
}

/** Marks the values our filter selected, so scim-patch can select them with a filter it cannot misread. */
const SELECTED = '__scimSelected';

function applyStep(document: JsonObject & ScimResource, step: PatchStep): void {
  const { op, path, value } = step;
  const container = path.extension === undefined ? document : document[path.extension];
  const values = isObject(container) ? container[path.attribute.name] : undefined;
  const selected =
    path.selector === undefined || !Array.isArray(values) ? [] : values.filter((element): element is JsonObject => isObject(element) && path.selector?.matches(element) === true);
  if (path.selector !== undefined && selected.length === 0) {
    // Removing values that are not there changes nothing (Okta removes members that may already be gone).
    if (op === 'remove' || path.selector.text === undefined) return;
    // Let scim-patch apply RFC 7644 §3.5.2: `add` creates the value from an `eq` filter, `replace` fails with noTarget.
    runLibrary(document, { op, path: libraryPath(path, path.selector.text), value });
    return;
  }
  for (const element of selected) element[SELECTED] = true;
  try {
    const selectorText = path.selector === undefined ? undefined : `${SELECTED} eq true`;
    runLibrary(document, op === 'remove' ? { op, path: libraryPath(path, selectorText) } : { op, path: libraryPath(path, selectorText), value });
  } finally {
    const after = isObject(container) ? container[path.attribute.name] : undefined;
    for (const element of [...selected, ...(Array.isArray(after) ? after : [])]) {
      if (isObject(element)) delete element[SELECTED];
    }
  }
}

function libraryPath(path: PatchPath, selectorText: string | undefined): string {
  const prefix = path.extension === undefined ? '' : `${path.extension}:`;
  const selector = selectorText === undefined ? '' : `[${selectorText}]`;
  const sub = path.subAttribute === undefined ? '' : `.${path.subAttribute.name}`;
  return `${prefix}${path.attribute.name}${selector}${sub}`;
}

function runLibrary(document: JsonObject & ScimResource, operation: ScimPatchOperation): void {
  try {
    scimPatch(document, [operation], { mutateDocument: true, treatMissingAsAdd: true });
  } catch (error) {
    throw asScimError(error, operation);
  }
}

function asScimError(error: unknown, operation: ScimPatchOperation): ScimHttpError {
  const message = error instanceof Error ? error.message : String(error);
  const detail = `Cannot ${operation.op} ${JSON.stringify(operation.path ?? '')}: ${message}`;
  if (error instanceof NoTarget || error instanceof NoPathInScimPatchOp) return badRequest('noTarget', detail);
  if (error instanceof RemoveValueNotArray || error instanceof RemoveValueNestedArrayNotSupported) return badRequest('invalidValue', detail);
  if (error instanceof InvalidScimPatchRequest) return badRequest('invalidSyntax', detail);
  if (error instanceof PatchLibraryError) return badRequest('invalidPath', detail);
  // Anything else the library trips over is still the request's fault, never a 500.
  return badRequest('invalidValue', detail);
}
