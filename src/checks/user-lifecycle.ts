/**
 * Users as Okta and Entra provision them: create, read back, find, update, deactivate, delete.
 * Each function judges recorded exchanges of one step; the flows in src/flows/write-flows.ts send them.
 */
import { describeResponse } from '../diagnose/describe.js';
import type { Exchange } from '../http/exchange.js';
import { validateMessage, describeIssues } from '../schemas.js';
import { LIST_RESPONSE_URN } from './list-response.js';
import { defineRules, type Rule } from './rule.js';
import type { CheckRun } from './run.js';
import { acceptedUpdate, at, gotFrom, serverErrorFix, listedResources, objectBody, show, statusOf, type JsonObject } from './answers.js';

const ALL_MUST = { okta: 'MUST', entra: 'MUST', rfc: 'MUST' } as const;

export const userLifecycleRules = defineRules({
  USER_LOOKUP_BEFORE_CREATE: {
    title: 'the userName lookup before a create is a 200 empty ListResponse',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.4.2; Okta provisioning (GET /Users?filter=userName eq "…"&startIndex=1&count=100 before every POST)',
    requirement: 'Okta looks for the user by userName before creating it; a user that does not exist yet is a 200 ListResponse with totalResults 0.',
    fix: 'Apply the filter and answer an empty ListResponse when nothing matches (never 404, never everyone): otherwise Okta links the new user to whoever comes back, or gives up.',
  },
  USER_CREATE_STATUS: {
    title: 'POST /Users answers 201 Created',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.3; Okta SPEC test ("Create new user"); Microsoft SCIM collection ("Post User")',
    requirement: 'A successful create answers 201 Created.',
    fix: 'Answer 201 (not 200, not 204) when the user was created. A 400 here means the payload Okta and Entra send is refused: see the detail in the body.',
  },
  USER_CREATE_RETURNS_RESOURCE: {
    title: 'the 201 of a create carries the new user with its id and the attributes sent',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'SHOULD' },
    source: 'RFC 7644 §3.3 ("the response body SHOULD contain the service provider\'s representation of the newly created resource"); Okta SPEC test',
    requirement:
      'The created User in the body: a non-empty "id", and userName, name.givenName, name.familyName and emails as sent. Okta reads the id from it; an empty body fails as "Create new user returned empty user".',
    fix: 'Return the stored user (as GET /Users/{id} would) in the body of the 201.',
  },
  USER_CREATE_LOCATION: {
    title: 'the Location header of a 201 equals meta.location',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.3 ("The URI of the created resource SHALL include, in the HTTP Location header and the HTTP body … meta.location")',
    requirement: 'A Location header with the URI of the new user, equal to meta.location in the body.',
    fix: 'Set Location to the same absolute URL as meta.location, e.g. https://api.example.com/scim/v2/Users/<id>.',
  },
  USER_CREATE_META: {
    title: 'a created user has meta.resourceType, meta.created and meta.lastModified',
    requiredBy: { rfc: 'SHOULD' },
    source: 'RFC 7643 §3.1 (meta)',
    requirement: 'meta.resourceType "User", and meta.created and meta.lastModified as xsd:dateTime strings.',
    fix: 'Fill meta from your record: resourceType "User", created and lastModified as ISO 8601 timestamps with a time zone.',
  },
  USER_ACTIVE_BOOLEAN: {
    title: 'active comes back as a JSON boolean, whatever form it was sent in',
    requiredBy: ALL_MUST,
    source: 'RFC 7643 §4.1.1 (active is a Boolean), §2.3.2',
    requirement: 'active as true or false. Entra sends "True"/"False" as strings; the server stores and returns booleans, never the string.',
    fix: 'Convert "True"/"False" (any case) to booleans when reading a request, and store a boolean. Returning "false" breaks every client that tests `if (user.active)`: the string is truthy.',
  },
  USER_PASSWORD_NEVER_RETURNED: {
    title: 'a user is never returned with its password',
    // Okta's flows do not break on a password returned, so it is the RFC's rule alone: a security finding, not an Okta blocker.
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7643 §4.1.1 (password: returned "never")',
    requirement: 'No "password" member in any answer, also not hashed.',
    fix: 'Drop password when serialising a user; it is write-only.',
  },
  USER_GET_BY_ID: {
    title: 'GET /Users/{id} returns the created user itself, not a ListResponse',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.4.1; Okta SPEC test ("Retrieve a specific user"); Okta SCIM guide',
    requirement: '200 with the User whose id was asked for (same id, same userName). Okta PUTs back what it reads, so a ListResponse here would be written back as a user.',
    fix: 'Route /Users/{id} to a single-resource lookup and return the resource itself.',
  },
  USER_FILTER_FINDS_CREATED: {
    title: 'a userName eq filter finds the created user',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.4.2.2; Okta CRUD test; Entra matching',
    requirement: 'filter=userName eq "<userName>" returns exactly the created user.',
    fix: 'Apply the userName filter to your store; a filter that finds nothing makes Okta and Entra create the user again (and get a 409).',
  },
  USER_FILTER_ANY_CASE: {
    title: 'a userName filter matches in any letter case',
    requiredBy: { okta: 'MUST', entra: 'SHOULD', rfc: 'MUST' },
    source: 'RFC 7643 §4.1.1 (userName is case-insensitive); RFC 7644 §3.4.2.2; Okta SPEC test ("Username Case Sensitivity Check")',
    requirement: 'filter=userName eq "<userName in other case>" finds the user: userName has caseExact false.',
    fix: 'Compare userName case-insensitively in filters (e.g. lower() on both sides, or a case-insensitive collation).',
  },
  USER_DUPLICATE_CONFLICT: {
    title: 'a second user with the same userName is refused with 409 Conflict',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.3; Okta SPEC test; Microsoft SCIM collection ("Post emp3 exists")',
    requirement: '409 Conflict for a POST whose userName is taken; nothing is created.',
    fix: 'Enforce uniqueness of userName (a unique index) and answer 409; a duplicate splits one person into two accounts.',
  },
  USER_DUPLICATE_UNIQUENESS: {
    title: 'the 409 for a duplicate userName is a SCIM Error with scimType "uniqueness"',
    requiredBy: { okta: 'SHOULD', entra: 'SHOULD', rfc: 'MUST' },
    source: 'RFC 7644 §3.3 ("MUST return HTTP status code 409 (Conflict) with a scimType error code of uniqueness"), §3.12',
    requirement: 'A SCIM Error body: schemas [urn:ietf:params:scim:api:messages:2.0:Error], status "409" as a string, scimType "uniqueness", and a detail.',
    fix: 'Answer {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"userName is taken"}.',
  },
  USER_DUPLICATE_ANY_CASE: {
    title: 'a userName that differs only in letter case is a duplicate too',
    requiredBy: { okta: 'SHOULD', entra: 'SHOULD', rfc: 'MUST' },
    source: 'RFC 7643 §4.1.1 (userName: caseExact false, uniqueness server)',
    requirement: '409 for a POST whose userName equals an existing one but for case.',
    fix: 'Make the uniqueness check case-insensitive (a unique index on lower(userName)).',
  },
  USER_PUT_REPLACES: {
    title: 'GET then PUT of the whole user answers 200 and the change is kept',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.5.1; Okta CRUD test (profile update, then GET /Users/{id}); Microsoft SCIM collection ("User 2 replace test")',
    requirement:
      'PUT /Users/{id} with the resource as read (readOnly members such as id and meta included) and one change answers 200 with the updated user; the answer and a later GET keep everything that was sent, not only the change.',
    fix: 'Accept the resource as GET returned it: ignore readOnly attributes (id, meta, groups) rather than refusing them, and replace the stored attributes.',
  },
  USER_DEACTIVATE_PATCH: {
    title: "Okta's deactivation PATCH without a path is accepted",
    requiredBy: { okta: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.5.2.3 (replace without path); Okta SCIM guide (deactivate: {"op":"replace","value":{"active":false}})',
    requirement: 'PATCH with {"op":"replace","value":{"active":false}} (no "path") answers 200 with the user, or 204.',
    fix: 'When an operation has no path, treat "value" as a map of attribute names to new values.',
  },
  USER_DEACTIVATED_READABLE: {
    title: 'a deactivated user is still returned by GET /Users/{id}, with active false',
    requiredBy: { okta: 'MUST', entra: 'MUST' },
    source: 'Okta CRUD test (deactivate, then GET /Users/{id} expects active false); Entra soft delete',
    requirement: 'Deactivation is not deletion: GET /Users/{id} answers 200 with "active": false.',
    fix: 'Store active=false instead of deleting or hiding the user.',
  },
  USER_DEACTIVATED_FINDABLE: {
    title: 'a deactivated user is still found by the matching filter',
    requiredBy: { okta: 'MUST', entra: 'MUST' },
    source: 'Okta SCIM guide; Entra provisioning (matching before update)',
    requirement: 'The filter the client matches by still returns the deactivated user (with "active": false); otherwise the client creates it again on reactivation.',
    fix: 'Do not filter inactive users out of list and filter answers.',
  },
  USER_REACTIVATE_PATCH: {
    title: 'the same PATCH with active true reactivates the user',
    requiredBy: { okta: 'MUST' },
    source: 'Okta CRUD test (activate, then GET /Users/{id} expects active true)',
    requirement: 'PATCH {"op":"replace","value":{"active":true}} answers 200 or 204, and GET shows "active": true.',
    fix: 'Apply the no-path replace of active both ways.',
  },
  USER_PASSWORD_PUSH: {
    title: "Okta's password push PATCH is accepted",
    requiredBy: { okta: 'SHOULD' },
    source: 'Okta SCIM guide (password sync: {"op":"replace","value":{"password":"…"}})',
    requirement: 'PATCH {"op":"replace","value":{"password":"<new>"}} answers 200 or 204.',
    fix: 'Accept password in a no-path replace (hash and store it, or ignore it when your app has no passwords), never answer 5xx.',
  },
});

export const entraUserRules = defineRules({
  USER_MATCH_EXTERNAL_ID: {
    title: 'an externalId eq filter finds the user, and nothing before it exists',
    requiredBy: { entra: 'MUST', rfc: 'SHOULD' },
    source: 'Entra matching (filter=externalId eq "…"); RFC 7644 §3.4.2.2',
    requirement: 'Before the create, filter=externalId eq "<id>" is an empty ListResponse; after it, exactly the created user.',
    fix: 'Store externalId as sent and support eq on it (case-sensitive: externalId is caseExact).',
  },
  USER_MATCH_WORK_EMAIL: {
    title: 'an emails[type eq "work"].value eq filter finds the user',
    requiredBy: { entra: 'MUST', rfc: 'SHOULD' },
    source: 'Entra matching (emails[type eq "work"].value); RFC 7644 §3.4.2.2 (value paths)',
    requirement: 'filter=emails[type eq "work"].value eq "<email>" returns exactly the user with that work email.',
    fix: 'Support value-path filters on emails, at least [type eq "work"] with .value eq.',
  },
  PATCH_OP_CAPITALISED: {
    title: 'PATCH operations named "Replace", "Add" and "Remove" are applied',
    requiredBy: { entra: 'MUST' },
    source: 'Entra provisioning (without the aadOptscim062020 flag); Microsoft SCIM collection ("Patch user omalley new username")',
    requirement: 'op values in any case: "Replace", "Add" and "Remove" act as replace, add and remove.',
    fix: 'Compare op case-insensitively (op.toLowerCase()).',
  },
  PATCH_SEVERAL_OPERATIONS: {
    title: 'every operation of a multi-operation PATCH is applied',
    requiredBy: { entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.5.2 ("Each PATCH operation … applied sequentially"); Entra sends one operation per attribute',
    requirement: 'Operations [replace name.givenName, replace name.familyName, add title] in one request: all three are applied.',
    fix: 'Loop over all of Operations, not just the first; apply them in order and fail the request as a whole if one fails.',
  },
  PATCH_ACTIVE_STRING: {
    title: 'Entra\'s soft delete {"op":"Replace","path":"active","value":"False"} deactivates the user',
    requiredBy: { entra: 'MUST' },
    source: 'Entra provisioning (booleans sent as strings without the aadOptscim062020 flag)',
    requirement: 'The PATCH answers 200 or 204, and afterwards the user has "active": false (a boolean).',
    fix: 'Accept "True"/"False" strings for boolean attributes and convert them.',
  },
  PATCH_NO_PATH_DOTTED_KEYS: {
    title: 'a no-path replace with dotted keys such as "name.givenName" is applied',
    requiredBy: { entra: 'MUST' },
    source: 'Entra provisioning (with the aadOptscim062020 flag): {"op":"replace","value":{"name.givenName":"…"}}',
    requirement: 'The keys of a no-path value are attribute paths: "name.givenName" sets name.givenName.',
    fix: 'Treat each key of a no-path value as a path (split at the dot for sub-attributes), not as a literal attribute name.',
  },
  USER_DELETE_NO_CONTENT: {
    title: 'DELETE /Users/{id} answers 204 No Content',
    requiredBy: { entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.6 ("the server SHALL return a successful HTTP status code 204"); Microsoft SCIM collection ("Delete user1")',
    requirement: '204 with no body once the user is deleted; Entra treats other codes as a failed hard delete and retries.',
    fix: 'Answer 204 No Content to a successful DELETE.',
  },
  USER_DELETED_GONE: {
    title: 'a deleted user answers 404',
    requiredBy: { entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.6 ("MUST return a 404 (Not Found) … for all operations associated with the previously deleted resource")',
    requirement: 'GET /Users/{id} after DELETE is 404.',
    fix: 'Remove the user (or hide a soft-deleted record from every endpoint) on DELETE.',
  },
  USER_DELETE_TWICE_404: {
    title: 'a second DELETE of the same user is 404, not a server error',
    requiredBy: { entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.6; Entra retries deletes',
    requirement: 'DELETE of a user that no longer exists is 404 with a SCIM Error.',
    fix: 'Look the user up first and answer 404 when it is gone, instead of letting the delete throw.',
  },
});

/** A filter answer that must be empty: the resource does not exist yet. */
export function checkNothingFound(run: CheckRun, rule: Rule, exchange: Exchange): void {
  const resources = listedResources(exchange);
  const total = objectBody(exchange)?.['totalResults'];
  run.expect(rule, resources !== undefined && resources.length === 0 && (total === 0 || total === undefined), () =>
    resources === undefined
      ? gotFrom(exchange)
      : { got: `The filter for a resource that does not exist yet matched ${show(total)} (Resources holds ${resources.length}).`, exchange },
  );
}

/** A filter answer that must hold exactly the resource `id`; returns it. */
export function checkFoundExactly(run: CheckRun, rule: Rule, exchange: Exchange, id: string): JsonObject | undefined {
  const resources = listedResources(exchange);
  const match = resources?.find((r) => r['id'] === id);
  run.expect(rule, resources !== undefined && resources.length === 1 && match !== undefined, () =>
    resources === undefined
      ? gotFrom(exchange)
      : {
          got: `The filter returned ${resources.length} resource(s) with ids ${show(resources.map((r) => r['id']))}; expected exactly ${id}.`,
          exchange,
        },
  );
  return match;
}

/** What every user body must get right: active a boolean, no password. */
export function checkUserBody(run: CheckRun, user: JsonObject, exchange: Exchange, where: string): void {
  const rules = userLifecycleRules;
  if ('active' in user) {
    run.expect(rules.USER_ACTIVE_BOOLEAN, typeof user['active'] === 'boolean', () => ({
      got: `${where} has "active": ${show(user['active'])}.`,
      exchange,
    }));
  }
  run.expect(rules.USER_PASSWORD_NEVER_RETURNED, !('password' in user), () => ({ got: `${where} has a "password" member.`, exchange }));
}

/** The 201 of Okta's (or Entra's) create; returns the created user. */
export function checkUserCreated(run: CheckRun, exchange: Exchange, sent: JsonObject): JsonObject | undefined {
  const rules = userLifecycleRules;
  if (!run.expect(rules.USER_CREATE_STATUS, statusOf(exchange) === 201, () => gotFrom(exchange))) return undefined;
  const body = objectBody(exchange);
  const wrong = ['userName', 'name.givenName', 'name.familyName', 'emails.0.value'].filter((path) => at(body, path) !== at(sent, path));
  const id = body?.['id'];
  if (
    !run.expect(rules.USER_CREATE_RETURNS_RESOURCE, body !== undefined && typeof id === 'string' && id !== '' && wrong.length === 0, () =>
      body === undefined
        ? { got: `${describeResponse(exchange)}: no user in the body.`, exchange }
        : {
            got: `The created user ${typeof id === 'string' && id !== '' ? '' : 'has no "id"; it '}differs from what was sent: ${wrong
              .map((path) => `${path} is ${show(at(body, path))}, sent ${show(at(sent, path))}`)
              .join('; ')}`,
            exchange,
          },
    )
  ) {
    return body;
  }
  const user = body as JsonObject;
  const location = exchange.response?.headers['location'];
  const metaLocation = at(user, 'meta.location');
  run.expect(rules.USER_CREATE_LOCATION, location !== undefined && location === metaLocation, () => ({
    got: `Location is ${location === undefined ? 'missing' : show(location)}, meta.location is ${show(metaLocation)}.`,
    exchange,
  }));
  const meta = user['meta'];
  const dateTime = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));
  run.expect(rules.USER_CREATE_META, at(meta, 'resourceType') === 'User' && dateTime(at(meta, 'created')) && dateTime(at(meta, 'lastModified')), () => ({
    got: `meta is ${show(meta)}.`,
    exchange,
  }));
  checkUserBody(run, user, exchange, 'The created user');
  return user;
}

/** GET /Users/{id} right after the create. */
export function checkUserRead(run: CheckRun, exchange: Exchange, id: string, userName: string): JsonObject | undefined {
  const body = objectBody(exchange);
  const schemas = body?.['schemas'];
  const isList = Array.isArray(schemas) && schemas.includes(LIST_RESPONSE_URN);
  const ok = statusOf(exchange) === 200 && body !== undefined && !isList && body['id'] === id && body['userName'] === userName;
  run.expect(userLifecycleRules.USER_GET_BY_ID, ok, () =>
    isList ? { got: `GET /Users/${id} answered a ListResponse, not the user.`, exchange } : gotFrom(exchange, `Expected the user ${id} (${userName}):`),
  );
  if (!ok) return undefined;
  checkUserBody(run, body, exchange, `GET /Users/${id}`);
  return body;
}

/** A 409 to a duplicate: the status, then (rfc) the Error body with scimType uniqueness. */
export function checkDuplicateRefused(run: CheckRun, conflictRule: Rule, exchange: Exchange, checkBody: boolean): void {
  const status = statusOf(exchange);
  const ok = run.expect(conflictRule, status === 409, () =>
    gotFrom(exchange, status !== undefined && status < 300 ? 'The duplicate was created (it is removed again):' : 'Expected 409:'),
  );
  if (!ok || !checkBody) return;
  const body = objectBody(exchange);
  const issues = validateMessage('error', body);
  run.expect(userLifecycleRules.USER_DUPLICATE_UNIQUENESS, issues.length === 0 && body?.['scimType'] === 'uniqueness', () => ({
    got: body === undefined ? describeResponse(exchange) : `scimType is ${show(body['scimType'])}${issues.length > 0 ? `; ${describeIssues(issues)}` : ''}`,
    exchange,
  }));
}

/** Members of a user that a PUT does not set: readOnly ones the server keeps (id, meta, groups), and the write-only password. */
const NOT_SET_BY_PUT = new Set(['schemas', 'id', 'meta', 'groups', 'password']);

/** Every leaf of what a client sent, as its path of keys (`name`, `givenName`; `emails`, `0`, `value`), with its value. */
export function sentLeaves(sent: JsonObject): Array<[string[], unknown]> {
  const leaves: Array<[string[], unknown]> = [];
  const walk = (value: unknown, path: string[]) => {
    if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...path, String(index)]));
    else if (typeof value === 'object' && value !== null) for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
    else leaves.push([path, value]);
  };
  for (const [key, value] of Object.entries(sent)) if (!NOT_SET_BY_PUT.has(key)) walk(value, [key]);
  return leaves;
}

/** The value at a path of keys: an extension's URN holds dots ("…:2.0:User"), so a dotted path cannot name it. */
function atKeys(value: unknown, keys: readonly string[]): unknown {
  return keys.reduce<unknown>((current, key) => (typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined), value);
}

/** What a resource shows differently from what was sent: "locale is absent (sent "en-US")". */
export function differencesFrom(sent: JsonObject, shown: JsonObject | undefined): string[] {
  return sentLeaves(sent)
    .filter(([keys, value]) => atKeys(shown, keys) !== value)
    .map(([keys, value]) => `${keys.join('.')} is ${show(atKeys(shown, keys))} (sent ${show(value)})`);
}

/**
 * PUT of the whole resource as Okta sends it (what GET returned, with the change), then GET: the
 * answer and the GET both keep everything that was sent, not only the attribute that changed.
 */
export function checkPutReplaced(run: CheckRun, put: Exchange, after: Exchange, sent: JsonObject): void {
  const putBody = objectBody(put);
  const answered = differencesFrom(sent, putBody);
  const kept = differencesFrom(sent, objectBody(after));
  run.expect(userLifecycleRules.USER_PUT_REPLACES, statusOf(put) === 200 && answered.length === 0 && statusOf(after) === 200 && kept.length === 0, () => {
    if (statusOf(put) !== 200 || putBody === undefined) return { ...gotFrom(put, 'Expected 200 with the user:'), ...serverErrorFix(put) };
    if (answered.length > 0) return { got: `The PUT answered 200, but not with what was sent: ${answered.join('; ')}.`, exchange: put };
    if (statusOf(after) !== 200) return gotFrom(after, 'The PUT answered 200, but the GET after it:');
    return { got: `The PUT answered 200, but a later GET does not keep what was sent: ${kept.join('; ')}.`, exchange: after };
  });
  if (putBody !== undefined) checkUserBody(run, putBody, put, 'The PUT answer');
}

/**
 * A PATCH answer: 200 or 204; a 200 body is checked like any user, and must show the change
 * (`expected`, values by path; undefined for a removed attribute): RFC 7644 §3.5.2, "200 OK …
 * and the entire resource". Returns whether it was accepted (applied), whatever its body shows.
 * With `after`, the GET made right after the PATCH, as the control: an answer that shows what that
 * GET shows is not blamed for the change not being there; the GET's own check reports it.
 */
export function checkPatchAccepted(run: CheckRun, rule: Rule, exchange: Exchange, expected?: Record<string, unknown>, after?: Exchange): boolean {
  const ok = run.expect(rule, acceptedUpdate(exchange), () => ({
    ...gotFrom(exchange, 'Expected 200 or 204:'),
    ...serverErrorFix(exchange),
  }));
  const body = objectBody(exchange);
  if (!ok || statusOf(exchange) !== 200 || body === undefined) return ok;
  checkUserBody(run, body, exchange, 'The PATCH answer');
  const read = after !== undefined && statusOf(after) === 200 ? objectBody(after) : undefined;
  const wrong = Object.entries(expected ?? {}).filter(([path, value]) => at(body, path) !== value && (read === undefined || at(body, path) !== at(read, path)));
  run.expect(rule, wrong.length === 0, () => ({
    got: `The PATCH answered 200 with the user, but the answer does not show the change: ${wrong.map(([path, value]) => `${path} is ${show(at(body, path))} (expected ${show(value)})`).join('; ')}.`,
    exchange,
    fix: 'Answer a PATCH with 204, or with 200 and the user as it is after the change (as GET returns it then), not as it was before.',
  }));
  return ok;
}

/** The server's own words for a refusal: its status, and the scimType and detail of its Error body. */
export function refusalOf(exchange: Exchange): string {
  const body = objectBody(exchange);
  const words = [`${statusOf(exchange) ?? 'no answer'}`];
  if (body?.['scimType'] !== undefined) words.push(`scimType ${show(body['scimType'])}`);
  if (body?.['detail'] !== undefined) words.push(`detail ${show(body['detail'])}`);
  return words.join(', ');
}

/**
 * Control before blame: the plainest RFC form of the same change, sent before a client's variant of
 * it. When the server refuses the control too, the variant is not the cause: the rule is not judged,
 * and the reason quotes what the server refused.
 */
export function controlAccepted(run: CheckRun, rule: Rule, control: Exchange, what: string): boolean {
  if (acceptedUpdate(control)) return true;
  run.skip(rule, `not judged: the control, ${what}, was refused too (${refusalOf(control)}), so the server refuses that change in any form; the variant is not the cause`);
  return false;
}

/** A GET after an update: 200 with each expected value at its path. */
export function checkReadShows(run: CheckRun, rule: Rule, exchange: Exchange, expected: Record<string, unknown>, what: string): JsonObject | undefined {
  const body = objectBody(exchange);
  const wrong = Object.entries(expected).filter(([path, value]) => at(body, path) !== value);
  run.expect(rule, statusOf(exchange) === 200 && body !== undefined && wrong.length === 0, () =>
    statusOf(exchange) !== 200 || body === undefined
      ? gotFrom(exchange, `After ${what}:`)
      : { got: `After ${what}, ${wrong.map(([path, value]) => `${path} is ${show(at(body, path))} (expected ${show(value)})`).join('; ')}.`, exchange },
  );
  if (body !== undefined && statusOf(exchange) === 200) checkUserBody(run, body, exchange, `GET after ${what}`);
  return body;
}

/** The deactivated user, found by the matching filter with active false. */
export function checkFoundInactive(run: CheckRun, exchange: Exchange, id: string): void {
  const resources = listedResources(exchange);
  const match = resources?.find((r) => r['id'] === id);
  run.expect(userLifecycleRules.USER_DEACTIVATED_FINDABLE, match !== undefined && match['active'] === false, () =>
    resources === undefined
      ? gotFrom(exchange)
      : {
          got: match === undefined ? `The filter no longer finds the user ${id} (it returned ${resources.length}).` : `The user is found with "active": ${show(match['active'])}.`,
          exchange,
        },
  );
}

/** DELETE, GET after it, DELETE again. */
export function checkUserDeleted(run: CheckRun, deletion: Exchange, after: Exchange | undefined, again: Exchange | undefined): void {
  const rules = entraUserRules;
  run.expect(rules.USER_DELETE_NO_CONTENT, statusOf(deletion) === 204, () => gotFrom(deletion, 'Expected 204:'));
  if (after !== undefined) run.expect(rules.USER_DELETED_GONE, statusOf(after) === 404, () => gotFrom(after, 'Expected 404 after DELETE:'));
  if (again !== undefined) {
    run.expect(rules.USER_DELETE_TWICE_404, statusOf(again) === 404, () => ({
      ...gotFrom(again, 'Expected 404 for a user already deleted:'),
      ...serverErrorFix(again),
    }));
  }
}
