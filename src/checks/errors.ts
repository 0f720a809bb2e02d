import { describeResponse, excerpt } from '../diagnose/describe.js';
import { isObject, type Exchange } from '../http/exchange.js';
import { jsonValue } from './answers.js';
import { LIST_RESPONSE_URN } from './list-response.js';
import { defineRules } from './rule.js';
import { CheckRun } from './run.js';
import { notSentBy } from './senders.js';
import { checkUserResource } from './user-resource.js';

export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_TYPES = ['invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers', 'sensitive'] as const;

export const errorRules = defineRules({
  ERROR_NOT_FOUND_STATUS: {
    title: 'an unknown id is answered 404',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.12; Okta SPEC test ("Test invalid User by ID", "Check status 404")',
    requirement:
      'GET /Users/{id} (and /Groups/{id}) for an id that does not exist is answered 404 Not Found: not a 200 with an error inside, not a ListResponse, not a 400 or 500.',
    fix: "Look the id up and answer 404 with a SCIM Error when it is not there; treat the id as an opaque string (Okta's SPEC test sends 00919288221112222, which overflows an integer column).",
  },
  ERROR_SCHEMAS: {
    title: 'an error body names the SCIM Error schema',
    requiredBy: { okta: 'MUST', entra: 'SHOULD', rfc: 'MUST' },
    source: 'RFC 7644 §3.12; Okta SPEC test ("Check status 404", "Check status 401")',
    requirement: `An error answer carries a JSON body with "schemas": ["${ERROR_URN}"].`,
    fix: `Answer every 4xx and 5xx with {"schemas":["${ERROR_URN}"],"status":"404","detail":"..."}; a framework's default error page or a plain-text message is what usually comes back instead.`,
  },
  ERROR_STATUS_STRING: {
    title: 'an error body has status as a JSON string equal to the HTTP status',
    requiredBy: { okta: 'SHOULD', entra: 'SHOULD', rfc: 'MUST' },
    source: 'RFC 7644 §3.12; Okta SPEC test (status equals "404" / "401")',
    requirement: '"status": the HTTP status code as a JSON string, e.g. "404" (not the number 404), the same as the status line.',
    fix: 'Serialise status as a string: String(statusCode).',
  },
  ERROR_DETAIL: {
    title: 'an error body says what went wrong in detail',
    requiredBy: { okta: 'MUST', entra: 'SHOULD', rfc: 'SHOULD' },
    source: 'RFC 7644 §3.12; Okta SPEC test (detail is not empty on 404 and 401)',
    requirement: '"detail": a non-empty, human-readable message. Okta\'s SPEC test fails an error without it.',
    fix: 'Add "detail" to every error body, e.g. "User 123 not found".',
  },
  ERROR_SCIM_TYPE: {
    title: 'scimType, when present, is one of the values RFC 7644 defines',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.12 (Table 9)',
    requirement: `scimType is absent or one of ${SCIM_TYPES.join(', ')} (case-sensitive).`,
    fix: 'Only send scimType with one of the RFC\'s values; put anything else in "detail".',
  },
  RESOURCE_GET_IS_RESOURCE: {
    title: 'GET /Users/{id} and /Groups/{id} answer the resource itself, not a ListResponse',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.4.1; Okta SPEC test ("Get Users/{id}"); Microsoft SCIM test collection ("Get user1", "Get group by id")',
    requirement:
      'A 200 with the resource: its schemas and the id that was asked for at the top level. Okta reads it and PUTs it back whole, so a ListResponse here would be written back as the user.',
    fix: 'Route GET /Users/{id} to the single resource; a ListResponse here usually means the router matched /Users and ignored the id.',
  },
});

/**
 * The content of an error answer: schemas, status as a string, detail, scimType. Also used for 401
 * answers. Rules are judged only when the answer is an error at all (status 4xx or 5xx).
 */
export function checkErrorBody(run: CheckRun, exchange: Exchange): void {
  const status = exchange.response?.status;
  if (status === undefined || status < 400) return;
  const body = jsonValue(exchange);
  const got = () => ({ got: describeResponse(exchange), exchange });
  const object = isObject(body) ? body : undefined;
  const schemas = object?.['schemas'];
  if (!run.expect(errorRules.ERROR_SCHEMAS, Array.isArray(schemas) && schemas.includes(ERROR_URN), got)) return;
  run.expect(errorRules.ERROR_STATUS_STRING, object?.['status'] === String(status), () => ({
    got: `"status" is ${JSON.stringify(object?.['status']) ?? 'missing'} on a ${status} answer`,
    exchange,
  }));
  const detail = object?.['detail'];
  run.expect(errorRules.ERROR_DETAIL, typeof detail === 'string' && detail.trim() !== '', () => ({
    got: `"detail" is ${JSON.stringify(detail) ?? 'missing'}: ${excerpt(JSON.stringify(body))}`,
    exchange,
  }));
  const scimType = object?.['scimType'];
  run.expect(errorRules.ERROR_SCIM_TYPE, scimType === undefined || (SCIM_TYPES as readonly unknown[]).includes(scimType), () => ({
    got: `"scimType" is ${JSON.stringify(scimType)}`,
    exchange,
  }));
}

/**
 * The error body of the answer to a malformed filter. Okta never sends one (its filters are
 * userName eq and displayName eq, SCIM-CLIENTS.md; anchors/Okta-SCIM-20-SPEC-Test.json), so what
 * this answer shows is no Okta blocker: Okta's SPEC test judges the error bodies of a 404 and a 401.
 */
export function checkMalformedFilterError(run: CheckRun, exchange: Exchange): void {
  const own = new CheckRun();
  checkErrorBody(own, exchange);
  run.merge(notSentBy(own, 'okta'));
}

/** GET of an id that does not exist: 404 with an Error body. */
export function checkNotFound(exchange: Exchange): CheckRun {
  const run = new CheckRun();
  const status = exchange.response?.status;
  const body = jsonValue(exchange);
  const schemas = isObject(body) && Array.isArray(body['schemas']) ? body['schemas'] : [];
  const fix =
    status === 200 && schemas.includes(ERROR_URN)
      ? 'The error is sent inside a 200: clients read the status line first, so they take it as a success. Send the Error body with the status 404.'
      : status === 200 && schemas.includes(LIST_RESPONSE_URN)
        ? 'The id was answered with a ListResponse: the router matches /Users and ignores the id (or runs a query by id). Answer the single resource, or 404 when there is none.'
        : status === 200
          ? 'A resource came back for an id that does not exist: the id is not what the lookup uses (a default record, or the first match of a partial lookup).'
          : undefined;
  if (!run.expect(errorRules.ERROR_NOT_FOUND_STATUS, status === 404, () => ({ got: describeResponse(exchange), exchange, ...(fix !== undefined ? { fix } : {}) }))) {
    return run;
  }
  checkErrorBody(run, exchange);
  return run;
}

/** GET /Users/{id} or /Groups/{id} of an existing resource: the resource itself. */
export function checkResourceRead(exchange: Exchange, id: string, kind: 'user' | 'group'): CheckRun {
  const run = new CheckRun();
  const body = jsonValue(exchange);
  const schemas = isObject(body) && Array.isArray(body['schemas']) ? body['schemas'] : [];
  const isList = schemas.includes(LIST_RESPONSE_URN) || (isObject(body) && 'Resources' in body);
  const urn = kind === 'user' ? 'urn:ietf:params:scim:schemas:core:2.0:User' : 'urn:ietf:params:scim:schemas:core:2.0:Group';
  const ok = exchange.response?.status === 200 && isObject(body) && !isList && body['id'] === id && schemas.includes(urn);
  run.expect(errorRules.RESOURCE_GET_IS_RESOURCE, ok, () => ({
    got: isList
      ? `a ListResponse came back: ${excerpt(JSON.stringify(body))}`
      : isObject(body) && exchange.response?.status === 200
        ? `the answer has the id ${JSON.stringify(body['id'])} and schemas ${JSON.stringify(body['schemas'])} (asked for ${id}, a ${urn} resource)`
        : describeResponse(exchange),
    exchange,
  }));
  if (ok && kind === 'user') checkUserResource(run, body, exchange, `GET /Users/${id}`);
  return run;
}
