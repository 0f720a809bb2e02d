/**
 * The garbage Entra and Microsoft's collection really send: a missing userName, a body that is not
 * JSON, an unknown attribute, "True" as a string; and a wrong type, which only the RFC judges. A 400 or (where the RFC allows)
 * ignoring it are both fine; a 5xx or a crash never is.
 */
import type { Exchange } from '../http/exchange.js';
import { describeIssues, validateMessage } from '../schemas.js';
import { defineRules, type Rule } from './rule.js';
import type { CheckRun } from './run.js';
import { checkUserBody } from './user-lifecycle.js';
import { at, gotFrom, serverErrorFix, isSuccess, objectBody, show, statusOf } from './answers.js';

/**
 * Entra-level because Microsoft's collection sends these (the project's decision for its anchors);
 * never Okta's: the requests SCIM-CLIENTS.md documents for Okta, and Okta's SPEC and CRUD tests
 * (anchors/), send none of them.
 */
const NOT_OKTA_MUST = { entra: 'MUST', rfc: 'MUST' } as const;

export const badInputRules = defineRules({
  INPUT_MISSING_USERNAME: {
    title: 'a user without userName is refused with 400',
    requiredBy: NOT_OKTA_MUST,
    source: 'RFC 7643 §4.1.1 (userName REQUIRED); RFC 7644 §3.3; Microsoft SCIM collection ("Post no username")',
    requirement: '400 Bad Request (scimType invalidValue), and nothing is created.',
    fix: 'Validate required attributes before storing: a user without userName cannot be matched or updated by any client.',
  },
  INPUT_UNPARSEABLE_BODY: {
    title: 'a body that is not JSON is refused with 400',
    requiredBy: NOT_OKTA_MUST,
    source: 'RFC 7644 §3.12; Microsoft SCIM collection ("Post junk")',
    requirement: "400 Bad Request, not a 5xx: a parse error is the client's fault.",
    fix: 'Catch the JSON parse error and answer 400 with scimType "invalidSyntax".',
  },
  INPUT_INVALID_SYNTAX_TYPE: {
    title: 'the 400 for a body that is not JSON has scimType "invalidSyntax"',
    requiredBy: { rfc: 'SHOULD' },
    source: 'RFC 7644 §3.12 (Table 9: invalidSyntax)',
    requirement: 'scimType "invalidSyntax" in the Error body.',
    fix: 'Set "scimType": "invalidSyntax" on parse errors.',
  },
  INPUT_ERROR_BODY: {
    title: 'a 400 carries a SCIM Error body',
    requiredBy: { entra: 'SHOULD', rfc: 'MUST' },
    source: 'RFC 7644 §3.12; Microsoft SCIM collection ("Post no username", "Post junk": 400)',
    requirement:
      'schemas ["urn:ietf:params:scim:api:messages:2.0:Error"], status as a string ("400"), and a detail saying what is wrong: it is what the admin sees in the client\'s log.',
    fix: 'Answer errors with {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"…","detail":"…"}, not a framework error page.',
  },
  INPUT_UNKNOWN_ATTRIBUTE: {
    title: 'an unknown attribute is ignored or refused with 400, never a server error',
    requiredBy: NOT_OKTA_MUST,
    source: 'RFC 7644 §3.3, §3.5.1 (unknown attributes may be ignored); Microsoft SCIM collection ("Put a user misspelled attribute")',
    requirement: '200 without the unknown attribute in the answer, or 400; never 5xx.',
    fix: 'Drop attributes your schema does not define (or answer 400 invalidValue); do not pass them to the database.',
  },
  INPUT_WRONG_TYPE: {
    title: 'a value of the wrong type is refused with 400 or not stored as sent, never a server error',
    // Neither client is shown sending a wrong type: not Okta's or Entra's flows (SCIM-CLIENTS.md), not
    // Okta's tests, not Microsoft's collection (anchors/). An RFC rule only.
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.12 (invalidValue); RFC 7643 §2.3',
    requirement: '400 (scimType invalidValue), or 200 with the attribute in its schema type; never 5xx and never the wrong type echoed back.',
    fix: "Validate each attribute's type (emails is an array of objects) before storing.",
  },
  INPUT_ACTIVE_STRING_TRUE: {
    title: 'a user created with "active":"True" (a string) is active',
    // Microsoft's validator sends it; Entra's own create sends a boolean, and its string booleans come
    // in PATCH (PATCH_ACTIVE_STRING): a warning for Entra, not a blocker.
    requiredBy: { entra: 'SHOULD' },
    source: 'Microsoft SCIM collection ("Post emp1 with string \\"True\\"": 201 and active true)',
    requirement: '201, and the user comes back with "active": true.',
    fix: 'Accept "True"/"False" (any case) for booleans and convert them; Microsoft\'s SCIM validator sends them as strings, and Entra does in PATCH.',
  },
});

function errorBodyProblems(exchange: Exchange): string | undefined {
  const body = objectBody(exchange);
  const issues = validateMessage('error', body);
  if (issues.length > 0) return describeIssues(issues);
  return typeof body?.['detail'] === 'string' && body['detail'] !== '' ? undefined : '"detail" is missing or empty';
}

/** A 400 that must be a 400: the status, then the Error body. Returns whether it was a 400. */
function checkRefused(run: CheckRun, rule: Rule, exchange: Exchange, created: boolean): boolean {
  const ok = run.expect(rule, statusOf(exchange) === 400, () => ({
    ...gotFrom(exchange, created ? 'It was created (it is removed again):' : 'Expected 400:'),
    ...serverErrorFix(exchange),
  }));
  if (ok) {
    const problems = errorBodyProblems(exchange);
    run.expect(badInputRules.INPUT_ERROR_BODY, problems === undefined, () => ({ got: `The 400 body: ${problems ?? ''}`, exchange }));
  }
  return ok;
}

export function checkMissingUserName(run: CheckRun, exchange: Exchange): void {
  checkRefused(run, badInputRules.INPUT_MISSING_USERNAME, exchange, isSuccess(exchange));
}

export function checkUnparseableBody(run: CheckRun, exchange: Exchange): void {
  if (!checkRefused(run, badInputRules.INPUT_UNPARSEABLE_BODY, exchange, isSuccess(exchange))) return;
  const scimType = objectBody(exchange)?.['scimType'];
  run.expect(badInputRules.INPUT_INVALID_SYNTAX_TYPE, scimType === 'invalidSyntax', () => ({ got: `scimType is ${show(scimType)}.`, exchange }));
}

/** PUT with an attribute no schema defines: 400, or 200 without it. */
export function checkUnknownAttribute(run: CheckRun, exchange: Exchange, attribute: string): void {
  const status = statusOf(exchange);
  const body = objectBody(exchange);
  const ok = status === 400 || (status === 200 && body !== undefined && !(attribute in body));
  run.expect(badInputRules.INPUT_UNKNOWN_ATTRIBUTE, ok, () => ({
    ...gotFrom(exchange, status === 200 ? `The unknown attribute "${attribute}" was stored and returned:` : 'Expected 200 (ignored) or 400:'),
    ...serverErrorFix(exchange),
  }));
  if (status === 400) {
    const problems = errorBodyProblems(exchange);
    run.expect(badInputRules.INPUT_ERROR_BODY, problems === undefined, () => ({ got: `The 400 body: ${problems ?? ''}`, exchange }));
  }
}

/** PUT with `path` set to a value of the wrong type: 400, or 200 with the attribute not echoed as sent. */
export function checkWrongType(run: CheckRun, exchange: Exchange, path: string, sent: unknown): void {
  const status = statusOf(exchange);
  const stored = at(objectBody(exchange), path);
  const ok = status === 400 || (status === 200 && stored !== sent && typeof stored !== typeof sent);
  run.expect(badInputRules.INPUT_WRONG_TYPE, ok, () => ({
    ...gotFrom(exchange, status === 200 ? `${path} was stored as sent (${show(sent)}):` : 'Expected 400 (or 200 without the bad value):'),
    ...serverErrorFix(exchange),
  }));
  if (status === 400) {
    const problems = errorBodyProblems(exchange);
    run.expect(badInputRules.INPUT_ERROR_BODY, problems === undefined, () => ({ got: `The 400 body: ${problems ?? ''}`, exchange }));
  }
}

/** POST with "active":"True": 201, active true (and a boolean, checked as for every user). */
export function checkActiveStringTrue(run: CheckRun, exchange: Exchange): void {
  const body = objectBody(exchange);
  run.expect(badInputRules.INPUT_ACTIVE_STRING_TRUE, statusOf(exchange) === 201 && (body?.['active'] === true || body?.['active'] === 'True'), () =>
    statusOf(exchange) !== 201 ? gotFrom(exchange, 'Expected 201:') : { got: `The user was created with "active": ${show(body?.['active'])}.`, exchange },
  );
  if (statusOf(exchange) === 201 && body !== undefined) checkUserBody(run, body, exchange, 'The user created with "active":"True"');
}
