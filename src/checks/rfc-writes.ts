/**
 * RFC 7643/7644 rules that only a write shows, none of which Okta or Entra needs: readOnly
 * attributes in a create, case-exact values, PATCH semantics (replace of an absent attribute,
 * primary, noTarget, atomicity, remove, null) and what a DELETE leaves behind. Each function judges
 * recorded exchanges of one step; src/suite/rfc-write-flow.ts sends them on the run's own user.
 */
import type { Exchange } from '../http/exchange.js';
import { at, gotFrom, isServerError, isSuccess, listedResources, objectBody, SERVER_ERROR_FIX, show, statusOf, type JsonObject } from './answers.js';
import { defineRules } from './rule.js';
import type { CheckRun } from './run.js';
import { controlAccepted } from './user-lifecycle.js';

const RFC_MUST = { rfc: 'MUST' } as const;

/** What the flow sends and the checks expect: one source for both. */
export const RFC_WRITE_VALUES = {
  nickName: 'Nick',
  title: 'Tester',
  atomicTitle: 'Atomic',
  /** A meta no server writes: a create that returns it did not ignore the client's meta. */
  clientMeta: { resourceType: 'Group', created: '1999-01-01T00:00:00Z', lastModified: '1999-01-01T00:00:00Z' },
} as const;

export const rfcWriteRules = defineRules({
  RESOURCE_CASE_EXACT_PRESERVED: {
    title: 'a caseExact value (externalId) comes back in the case it was sent',
    requiredBy: RFC_MUST,
    source: 'RFC 7643 §7 ("For attributes that are case exact, the server SHALL preserve case for any value submitted"); §3.1 (externalId is caseExact)',
    requirement: 'The externalId of a created user, sent in mixed case, is returned exactly as sent.',
    fix: 'Store externalId (and every caseExact attribute) as sent: do not lower-case it on the way in or out.',
  },
  RESOURCE_READONLY_IGNORED_ON_CREATE: {
    title: 'a create ignores the id and meta the client sends',
    requiredBy: RFC_MUST,
    source:
      'RFC 7644 §3.3 ("attributes whose mutability is readOnly SHALL be ignored"); RFC 7643 §3.1 ("meta … SHALL be ignored when provided by clients"; "id" is issued by the service provider)',
    requirement: 'A POST carrying a client-chosen id and a made-up meta (resourceType "Group", created 1999) is created with the server\'s own id and meta, not refused.',
    fix: 'Drop id and meta (and every readOnly attribute) from a create body before storing it, and fill them from your own record.',
  },
  PATCH_ATTRIBUTES_ANSWERS_200: {
    title: 'a PATCH with ?attributes= answers 200 with the resource',
    requiredBy: RFC_MUST,
    source: 'RFC 7644 §3.5.2 ("The server MUST return a 200 OK if the \\"attributes\\" parameter is specified in the request")',
    requirement: 'PATCH /Users/{id}?attributes=… answers 200 with the user (not 204), as a GET with the same attributes= would.',
    fix: 'When the PATCH request has attributes or excludedAttributes, answer 200 with the patched resource, projected like a GET.',
  },
  PATCH_REPLACE_ABSENT_ADDS: {
    title: 'a PATCH replace of an attribute the user does not have adds it',
    requiredBy: RFC_MUST,
    source: 'RFC 7644 §3.5.2.3 ("If the target location path specifies an attribute that does not exist, the service provider SHALL treat the operation as an \\"add\\"")',
    requirement: `{"op":"replace","path":"nickName","value":"${RFC_WRITE_VALUES.nickName}"} on a user without nickName leaves nickName "${RFC_WRITE_VALUES.nickName}".`,
    fix: 'Treat a replace whose target does not exist as an add, instead of refusing it or doing nothing.',
  },
  PATCH_PRIMARY_EXCLUSIVE: {
    title: 'a PATCH that makes a value primary makes the others not primary',
    requiredBy: RFC_MUST,
    source:
      'RFC 7644 §3.5.2 ("a PATCH operation that sets a value\'s \\"primary\\" sub-attribute to \\"true\\" SHALL cause the server to automatically set \\"primary\\" to \\"false\\" for any other values")',
    requirement: 'After adding a second email with "primary": true, that email is the one primary email; the work email it had is no longer primary.',
    fix: "When an add or replace sets primary true on a value, set primary false on the attribute's other values before validating (do not refuse it as two primaries).",
  },
  PATCH_ADD_EXISTING_ACCEPTED: {
    title: 'a PATCH add of a value the user already has succeeds',
    requiredBy: { rfc: 'SHOULD' },
    source:
      'RFC 7644 §3.5.2.1 ("If the target location already contains the value specified, no changes SHOULD be made to the resource, and a success response SHOULD be returned")',
    requirement: `{"op":"add","path":"title","value":"${RFC_WRITE_VALUES.title}"} on a user whose title is already "${RFC_WRITE_VALUES.title}" answers 200 or 204.`,
    fix: 'Accept an add that changes nothing as a success, instead of refusing it as a conflict.',
  },
  PATCH_ADD_EXISTING_KEEPS_MODIFIED: {
    title: 'a PATCH add of a value the user already has leaves meta.lastModified as it was',
    requiredBy: RFC_MUST,
    source: 'RFC 7644 §3.5.2.1 ("Unless other operations change the resource, this operation SHALL NOT change the modify timestamp of the resource")',
    requirement: 'After the add of a title the user already has, meta.lastModified is the one it had before.',
    fix: 'Compare the patched resource with the stored one, and leave it (and its meta.lastModified and version) alone when nothing changed.',
  },
  PATCH_REPLACE_NO_TARGET: {
    title: 'a PATCH replace whose filter matches nothing fails with 400 noTarget',
    requiredBy: RFC_MUST,
    source:
      'RFC 7644 §3.5.2.3 ("If the target location specifies a multi-valued attribute for which a value selection filter … has been supplied and no record match was made, the service provider SHALL indicate failure by returning HTTP status code 400 and a \\"scimType\\" error code of \\"noTarget\\"")',
    requirement:
      'A replace of emails[type sw "scimc-none"].value on a user with no such email answers 400 with scimType "noTarget". (A filter no value can be built from: Entra replaces emails[type eq "work"].value on a user without one and expects an add.)',
    fix: 'When a replace\'s value selection filter matches no value, answer 400 {"scimType":"noTarget"} instead of adding a value or answering 200.',
  },
  PATCH_ATOMIC: {
    title: 'a PATCH whose second operation fails leaves the resource unchanged',
    requiredBy: RFC_MUST,
    source:
      'RFC 7644 §3.5.2 ("A PATCH request, regardless of the number of operations, SHALL be treated as atomic. If a single operation encounters an error condition, the original target resource MUST be restored")',
    requirement: `After a refused PATCH whose first operation replaced title with "${RFC_WRITE_VALUES.atomicTitle}", the user still has the title it had before.`,
    fix: 'Apply all operations to a copy of the resource and store it only when every operation succeeded (or run them in one transaction).',
  },
  PATCH_REMOVE_REQUIRED_REFUSED: {
    title: 'a PATCH remove of userName fails with 400 mutability',
    requiredBy: RFC_MUST,
    source:
      'RFC 7644 §3.5.2.2 ("If an attribute is removed or becomes unassigned and is defined as a required attribute or a read-only attribute, the server SHALL return … a \\"scimType\\" error code of \\"mutability\\"")',
    requirement: '{"op":"remove","path":"userName"} answers 400 with scimType "mutability", and the user keeps its userName.',
    fix: 'Refuse a remove (or an unassigning replace) of a required attribute with 400 {"scimType":"mutability"}.',
  },
  PATCH_REMOVE_UNASSIGNS: {
    title: 'a PATCH remove of a multi-valued attribute without a filter removes all its values',
    requiredBy: RFC_MUST,
    source:
      'RFC 7644 §3.5.2.2 ("If the target location is a multi-valued attribute and no filter is specified, the attribute and all values are removed, and the attribute SHALL be considered unassigned")',
    requirement: '{"op":"remove","path":"emails"} leaves the user without emails (absent, null or []).',
    fix: 'A remove with a path and no filter drops the whole attribute.',
  },
  PATCH_NULL_UNASSIGNS: {
    title: 'replacing an attribute with null leaves it unassigned',
    requiredBy: RFC_MUST,
    source: 'RFC 7643 §2.5 ("Unassigned attributes, the null value, or empty array … SHALL be considered to be equivalent in \\"state\\"")',
    requirement: `{"op":"replace","path":"nickName","value":null} on a user whose nickName is "${RFC_WRITE_VALUES.nickName}" leaves nickName unassigned (absent or null).`,
    fix: 'Treat null (and []) in a request as "unassigned": remove the attribute instead of keeping the old value or storing the text "null".',
  },
  USER_DELETED_NOT_LISTED: {
    title: 'a deleted user is omitted from a filter query',
    requiredBy: RFC_MUST,
    source: 'RFC 7644 §3.6 ("Service providers MUST omit the resource from future query results")',
    requirement: 'After DELETE /Users/{id} (and a GET answering 404), GET /Users?filter=userName eq "…" does not list it.',
    fix: 'Remove deleted resources from the index the filter reads, or exclude them (a soft-deleted flag) from every query.',
  },
  USER_DELETED_NAME_REUSABLE: {
    title: 'the userName of a deleted user can be created again',
    requiredBy: { rfc: 'SHOULD' },
    source: 'RFC 7644 §3.6 ("The service provider SHOULD NOT consider the deleted resource in conflict calculation")',
    requirement: 'A POST /Users with the userName of a user deleted a moment ago is created, not refused with 409.',
    fix: 'Leave deleted resources out of the uniqueness check (or free their userName when they are deleted).',
  },
});

const rules = rfcWriteRules;

/** The resource an answer carries when it is the one asked about (200, same id). */
export function resourceOf(exchange: Exchange | undefined, id: string): JsonObject | undefined {
  if (exchange === undefined || statusOf(exchange) !== 200) return undefined;
  const body = objectBody(exchange);
  return body?.['id'] === id ? body : undefined;
}

const unassigned = (value: unknown) => value === undefined || value === null || (Array.isArray(value) && value.length === 0);
const scimTypeOf = (exchange: Exchange) => objectBody(exchange)?.['scimType'];

/** The externalId of a create's answer against the one sent; skipped when the answer shows none. */
export function checkCaseExactPreserved(run: CheckRun, creation: Exchange, sent: string): void {
  const returned = isSuccess(creation) ? objectBody(creation)?.['externalId'] : undefined;
  if (returned === undefined) {
    run.skip(rules.RESOURCE_CASE_EXACT_PRESERVED, 'not judged: the answer to the create shows no externalId');
    return;
  }
  run.expect(rules.RESOURCE_CASE_EXACT_PRESERVED, returned === sent, () => gotFrom(creation, `externalId was sent as ${show(sent)} and returned as ${show(returned)}.`));
}

/** A create that carried a client id and meta, and was accepted: neither may show in the answer. */
export function checkReadOnlyIgnored(run: CheckRun, creation: Exchange, sentId: string): void {
  const body = objectBody(creation) ?? {};
  const sent = RFC_WRITE_VALUES.clientMeta;
  const kept = [
    body['id'] === sentId ? `id ${show(sentId)}` : undefined,
    ...(['resourceType', 'created', 'lastModified'] as const).map((name) => (at(body, `meta.${name}`) === sent[name] ? `meta.${name} ${show(sent[name])}` : undefined)),
  ].filter((text) => text !== undefined);
  run.expect(rules.RESOURCE_READONLY_IGNORED_ON_CREATE, kept.length === 0, () => gotFrom(creation, `The created user carries the client's ${kept.join(', ')}.`));
}

/** The create with id and meta was refused while the same create without them (the control) was not. */
export function failReadOnlyRefused(run: CheckRun, refused: Exchange): void {
  run.fail(rules.RESOURCE_READONLY_IGNORED_ON_CREATE, gotFrom(refused, 'The create carrying a client id and meta was refused, while the same create without them succeeded:'));
}

export function checkDeletedNotListed(run: CheckRun, query: Exchange, id: string): void {
  const listed = listedResources(query);
  if (listed === undefined) {
    run.skip(rules.USER_DELETED_NOT_LISTED, `not judged: the filter query was not answered with a ListResponse (status ${statusOf(query) ?? 'none'})`);
    return;
  }
  run.expect(rules.USER_DELETED_NOT_LISTED, !listed.some((resource) => resource['id'] === id), () => gotFrom(query, `The user deleted a moment ago (id ${id}) is still listed:`));
}

/** The create with a deleted user's userName: 409 is the finding; any success passes. */
export function checkDeletedNameReusable(run: CheckRun, creation: Exchange): void {
  run.expect(rules.USER_DELETED_NAME_REUSABLE, statusOf(creation) !== 409, () => gotFrom(creation, 'The userName of a deleted user is still taken:'));
}

/** The answer to a PATCH with ?attributes=: 200 with the resource. */
export function checkAttributesAnswer(run: CheckRun, patch: Exchange, id: string): void {
  run.expect(rules.PATCH_ATTRIBUTES_ANSWERS_200, resourceOf(patch, id) !== undefined, () =>
    gotFrom(patch, 'The PATCH with ?attributes= was accepted but not answered with 200 and the user:'),
  );
}

/** The user after the replace of nickName, which it did not have. */
export function checkReplaceAbsentAdded(run: CheckRun, state: JsonObject, exchange: Exchange): void {
  const nickName = state['nickName'];
  run.expect(rules.PATCH_REPLACE_ABSENT_ADDS, nickName === RFC_WRITE_VALUES.nickName, () => gotFrom(exchange, `After the replace, nickName is ${show(nickName)}.`));
}

/** The user after the add of `primaryEmail` with primary true: the one primary email. */
export function checkPrimaryExclusive(run: CheckRun, state: JsonObject, exchange: Exchange, primaryEmail: string): void {
  const emails: unknown[] = Array.isArray(state['emails']) ? state['emails'] : [];
  const primaries = emails.filter((email) => at(email, 'primary') === true).map((email) => at(email, 'value'));
  run.expect(rules.PATCH_PRIMARY_EXCLUSIVE, primaries.length === 1 && primaries[0] === primaryEmail, () =>
    gotFrom(exchange, `After adding ${primaryEmail} as primary, the primary emails are ${show(primaries)}.`),
  );
}

function checkRefusedWith(run: CheckRun, rule: (typeof rules)[keyof typeof rules], patch: Exchange, scimType: string): boolean {
  const status = statusOf(patch);
  const type = scimTypeOf(patch);
  return run.expect(rule, status === 400 && type === scimType, () => ({
    ...gotFrom(patch, isSuccess(patch) ? 'The PATCH was accepted:' : `The PATCH answered ${status ?? 'nothing'} with scimType ${show(type)}:`),
    ...(isServerError(patch) ? { fix: SERVER_ERROR_FIX } : {}),
  }));
}

/** A refusal with another scimType than noTarget: does the server refuse the filter itself? */
export function refusedOtherwiseThanNoTarget(patch: Exchange): boolean {
  const status = statusOf(patch);
  return status !== undefined && status >= 400 && status < 500 && scimTypeOf(patch) !== 'noTarget';
}

/**
 * The replace whose filter matches nothing. `control`, sent when it was refused otherwise than with
 * noTarget, is the same replace with a filter that matches: refused too, the server does not take
 * that filter at all (RFC 7644 §3.12 invalidFilter: "the specified attribute and filter comparison
 * combination is not supported"), and no match was ever sought, so the rule is not judged.
 */
export function checkNoTarget(run: CheckRun, patch: Exchange, control?: Exchange): void {
  if (control !== undefined && !controlAccepted(run, rules.PATCH_REPLACE_NO_TARGET, control, 'the same replace with a filter that matches the work email')) return;
  checkRefusedWith(run, rules.PATCH_REPLACE_NO_TARGET, patch, 'noTarget');
}

export function checkRemoveRequiredRefused(run: CheckRun, patch: Exchange): void {
  checkRefusedWith(run, rules.PATCH_REMOVE_REQUIRED_REFUSED, patch, 'mutability');
}

/** After a PATCH that failed (`failed`), the title is still the one set before it. */
export function checkAtomic(run: CheckRun, failed: Exchange, state: JsonObject, exchange: Exchange): void {
  if (isSuccess(failed)) {
    run.skip(rules.PATCH_ATOMIC, 'not judged: the PATCH meant to fail on its second operation was accepted (PATCH_REPLACE_NO_TARGET)');
    return;
  }
  const title = state['title'];
  run.expect(rules.PATCH_ATOMIC, title === RFC_WRITE_VALUES.title, () =>
    gotFrom(exchange, `After the refused PATCH (${statusOf(failed) ?? 'no answer'}), title is ${show(title)}, not ${show(RFC_WRITE_VALUES.title)}.`),
  );
}

export function checkRemoveUnassigns(run: CheckRun, state: JsonObject, exchange: Exchange): void {
  run.expect(rules.PATCH_REMOVE_UNASSIGNS, unassigned(state['emails']), () => gotFrom(exchange, `After the remove of emails, emails is ${show(state['emails'])}.`));
}

export function checkNullUnassigns(run: CheckRun, state: JsonObject, exchange: Exchange): void {
  run.expect(rules.PATCH_NULL_UNASSIGNS, unassigned(state['nickName']), () => gotFrom(exchange, `After the replace with null, nickName is ${show(state['nickName'])}.`));
}

/** The add of a title the user already has: accepted, and meta.lastModified as before (judged only when both answers show it). */
export function checkAddExistingUnchanged(run: CheckRun, before: JsonObject, add: Exchange, after: JsonObject | undefined, shown: Exchange): void {
  if (!run.expect(rules.PATCH_ADD_EXISTING_ACCEPTED, isSuccess(add), () => gotFrom(add, 'The add of a value the user already has was refused:'))) {
    run.skip(rules.PATCH_ADD_EXISTING_KEEPS_MODIFIED, 'not judged: the add was refused (PATCH_ADD_EXISTING_ACCEPTED)');
    return;
  }
  const was = at(before, 'meta.lastModified');
  const is = at(after, 'meta.lastModified');
  if (typeof was !== 'string' || typeof is !== 'string') {
    run.skip(rules.PATCH_ADD_EXISTING_KEEPS_MODIFIED, 'not judged: the user was not shown with meta.lastModified before and after the add');
    return;
  }
  run.expect(rules.PATCH_ADD_EXISTING_KEEPS_MODIFIED, was === is, () => gotFrom(shown, `meta.lastModified was ${show(was)} before the add and ${show(is)} after it.`));
}
