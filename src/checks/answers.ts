/**
 * Reading answers: small, total functions over recorded exchanges that the checks and suites
 * share. None of them throws, whatever the server sent.
 */
import { describeResponse, excerpt } from '../diagnose/describe.js';
import { isObject, jsonBody, type Exchange } from '../http/exchange.js';
import type { FindingDetails } from './rule.js';

export type JsonObject = Record<string, unknown>;

export function statusOf(exchange: Exchange): number | undefined {
  return exchange.response?.status;
}

export function isSuccess(exchange: Exchange): boolean {
  const status = statusOf(exchange);
  return status !== undefined && status >= 200 && status < 300;
}

export function isServerError(exchange: Exchange): boolean {
  const status = statusOf(exchange);
  return status === undefined || status >= 500;
}

/** The body as parsed JSON, or undefined (no answer, empty, not JSON). */
export function jsonValue(exchange: Exchange): unknown {
  if (exchange.response === undefined) return undefined;
  const body = jsonBody(exchange.response);
  return body.kind === 'json' ? body.value : undefined;
}

/** The body as a JSON object, or undefined (empty, not JSON, an array, null). */
export function objectBody(exchange: Exchange): JsonObject | undefined {
  const value = jsonValue(exchange);
  return isObject(value) ? value : undefined;
}

/** The resources of a list answer, leniently: undefined when it is not a 200 ListResponse at all. */
export function listedResources(exchange: Exchange): JsonObject[] | undefined {
  if (statusOf(exchange) !== 200) return undefined;
  const resources = objectBody(exchange)?.['Resources'];
  return Array.isArray(resources) ? resources.filter(isObject) : undefined;
}

/** A value at a dotted path; numeric segments index arrays. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (Array.isArray(current)) current = current[Number(key)];
    else if (isObject(current)) current = current[key];
    else return undefined;
  }
  return current;
}

/** "what came back" for a finding: the request, the status, the start of the body. */
export function gotFrom(exchange: Exchange, note?: string): FindingDetails {
  return { got: note === undefined ? describeResponse(exchange) : `${note} ${describeResponse(exchange)}`, exchange };
}

export function show(value: unknown): string {
  return value === undefined ? 'absent' : excerpt(JSON.stringify(value), 80);
}

/** The ids of a group's members as returned; [] when it has none. */
export function memberIdsOf(group: JsonObject | undefined): string[] {
  const members = group?.['members'];
  if (!Array.isArray(members)) return [];
  return members.flatMap((member) => (isObject(member) && typeof member['value'] === 'string' ? [member['value']] : []));
}

/**
 * Whether a resource carries a value for `attribute`. RFC 7643 §2.5: "Unassigned attributes, the null
 * value, or empty array (in the case of a multi-valued attribute) SHALL be considered to be equivalent
 * in "state"", so `"members": []` or `null` in an answer is the attribute not returned.
 */
export function hasValue(resource: JsonObject, attribute: string): boolean {
  const value = resource[attribute];
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

/** A PATCH or PUT succeeded: 200 (with the resource) or 204 (without). */
export function acceptedUpdate(exchange: Exchange): boolean {
  const status = statusOf(exchange);
  return status === 200 || status === 204;
}

/** The fix that fits a 5xx: the input crashed the handler. */
const SERVER_ERROR_FIX =
  'A 5xx means the request crashed the handler: look for the stack trace in the server log at the time of this request, and answer bad input with a 400 SCIM Error instead.';
/** A 501 crashed nothing: the server says it does not do this. */
const NOT_IMPLEMENTED_FIX =
  '501 Not Implemented: the server says it does not do this request. Implement it as RFC 7644 defines it; where the RFC makes a feature optional (PATCH, bulk, sorting), say in /ServiceProviderConfig that it is not supported.';

/** The fix a server error calls for, to spread into a failure: none for an answer below 500. */
export function serverErrorFix(exchange: Exchange): { fix?: string } {
  if (!isServerError(exchange)) return {};
  return { fix: statusOf(exchange) === 501 ? NOT_IMPLEMENTED_FIX : SERVER_ERROR_FIX };
}
