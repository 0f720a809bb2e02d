import { compileFilter } from './filter.js';
import { attributeList, project, type Projection } from './projection.js';
import { badRequest } from './responses.js';
import { MESSAGE_URN, resolveAttribute, sameName, type ResourceTypeDefinition } from './schemas.js';
import { isObject, primaryOrFirst, type JsonObject } from './values.js';

/** A query as RFC 7644 §3.4.2 defines it, whether it came as GET parameters or a SearchRequest body. */
export interface ListQuery {
  filter: string | undefined;
  sortBy: string | undefined;
  descending: boolean;
  startIndex: number;
  count: number;
  projection: Projection;
}

export interface Candidate {
  resourceType: ResourceTypeDefinition;
  resource: JsonObject;
}

export interface ListResult {
  totalResults: number;
  startIndex: number;
  resources: JsonObject[];
}

/** Query parameter names are matched case-insensitively, like attribute names. */
function parameter(params: URLSearchParams, name: string): string | undefined {
  for (const [key, value] of params) if (sameName(key, name)) return value;
  return undefined;
}

export function queryFromParameters(params: URLSearchParams, maxResults: number): ListQuery {
  return {
    filter: parameter(params, 'filter'),
    sortBy: nonEmpty(parameter(params, 'sortBy')),
    descending: sameName(parameter(params, 'sortOrder') ?? '', 'descending'),
    startIndex: readStartIndex(parameter(params, 'startIndex')),
    count: readCount(parameter(params, 'count'), maxResults),
    projection: projectionFromParameters(params),
  };
}

export function projectionFromParameters(params: URLSearchParams): Projection {
  return {
    attributes: attributeList(parameter(params, 'attributes')),
    excludedAttributes: attributeList(parameter(params, 'excludedAttributes')),
  };
}

/** A POST .search body (RFC 7644 §3.4.3). */
export function queryFromSearchRequest(body: unknown, maxResults: number): ListQuery {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'A SearchRequest must be a JSON object.');
  const { schemas } = body;
  if (!Array.isArray(schemas) || !schemas.some((urn) => typeof urn === 'string' && sameName(urn, MESSAGE_URN.searchRequest))) {
    throw badRequest('invalidSyntax', `A SearchRequest must list "${MESSAGE_URN.searchRequest}" in "schemas".`);
  }
  const text = (name: string): string | undefined => {
    const value = body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    throw badRequest('invalidValue', `"${name}" in a SearchRequest must be a string.`);
  };
  const list = (name: string): string[] => {
    const value = body[name];
    if (value === undefined || value === null) return [];
    if (typeof value === 'string') return attributeList(value);
    if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return value.flatMap(attributeList);
    throw badRequest('invalidValue', `"${name}" in a SearchRequest must be an array of attribute names.`);
  };
  return {
    filter: text('filter'),
    sortBy: nonEmpty(text('sortBy')),
    descending: sameName(text('sortOrder') ?? '', 'descending'),
    startIndex: readStartIndex(text('startIndex')),
    count: readCount(text('count'), maxResults),
    projection: { attributes: list('attributes'), excludedAttributes: list('excludedAttributes') },
  };
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

function readInteger(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? Math.trunc(value) : undefined;
}

/** RFC 7644 §3.4.2.4: 1-based; a value below 1 (or none we can read) is treated as 1. */
function readStartIndex(text: string | undefined): number {
  return Math.max(1, readInteger(text) ?? 1);
}

/** RFC 7644 §3.4.2.4: a negative count is treated as 0; never more than the server's maximum. */
function readCount(text: string | undefined, maxResults: number): number {
  return Math.min(maxResults, Math.max(0, readInteger(text) ?? maxResults));
}

/**
 * Filters, sorts, pages and projects the candidates. The filter is compiled for every resource type
 * searched, so an invalid filter is a 400 even when there is nothing to match it against.
 */
export function runQuery(resourceTypes: ResourceTypeDefinition[], candidates: Candidate[], query: ListQuery): ListResult {
  const { filter } = query;
  const predicates = new Map(resourceTypes.map((type) => [type, filter === undefined ? undefined : compileFilter(filter, type)]));
  const matching = candidates.filter((candidate) => predicates.get(candidate.resourceType)?.(candidate.resource) ?? true);
  const sorted = query.sortBy === undefined ? matching : sortCandidates(matching, query.sortBy, query.descending);
  const page = sorted.slice(query.startIndex - 1, query.startIndex - 1 + query.count);
  return {
    totalResults: matching.length,
    startIndex: query.startIndex,
    resources: page.map((candidate) => project(candidate.resource, candidate.resourceType, query.projection)),
  };
}

type SortKey = string | number | undefined;

function sortCandidates(candidates: Candidate[], sortBy: string, descending: boolean): Candidate[] {
  const keyed = candidates.map((candidate) => ({ candidate, key: sortKey(candidate, sortBy) }));
  // Array.prototype.sort is stable, so ties keep insertion order.
  keyed.sort((a, b) => (descending ? -1 : 1) * compareKeys(a.key, b.key));
  return keyed.map(({ candidate }) => candidate);
}

/** RFC 7644 §3.4.2.3: unassigned values sort last when ascending, first when descending. */
function compareKeys(a: SortKey, b: SortKey): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function sortKey({ resourceType, resource }: Candidate, sortBy: string): SortKey {
  const resolved = resolveAttribute(resourceType, sortBy);
  if (resolved === undefined) return undefined;
  const { extension, attribute, subAttribute } = resolved;
  const container = extension === undefined ? resource : resource[extension];
  let value = isObject(container) ? container[attribute.name] : undefined;
  // A multi-valued attribute sorts by its primary value, else its first (RFC 7644 §3.4.2.3).
  if (Array.isArray(value)) value = primaryOrFirst(value);
  if (attribute.type === 'complex' && isObject(value)) {
    value = subAttribute === undefined ? value['value'] : value[subAttribute.name];
  }
  const definition = subAttribute ?? (attribute.type === 'complex' ? resolveAttribute(resourceType, `${sortBy}.value`)?.subAttribute : attribute);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  if (definition?.type === 'dateTime') return Date.parse(value);
  return definition?.caseExact === true ? value : value.toLowerCase();
}
