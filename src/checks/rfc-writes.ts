/**
 * RFC 7643/7644 rules that only a write shows, none of which Okta or Entra needs: readOnly
 * attributes in a create, a PUT and a PATCH, case-exact values, PATCH semantics (replace of an
 * absent attribute, primary, noTarget, atomicity, remove, null), what a DELETE leaves behind, and
 * what a group with the run's user as member shows: an externalId the client did not send, the
 * user's groups, the member's $ref, and a query on the server root. Each function judges
 * recorded exchanges of one step; src/suite/rfc-write-flow.ts sends them on the run's own user.
 */
import { describeResponse } from '../diagnose/describe.js';
import type { Exchange } from '../http/exchange.js';
import { at, gotFrom, serverErrorFix, isSuccess, listedResources, objectBody, show, statusOf, type JsonObject } from './answers.js';
import { defineRules } from './rule.js';
import { DOES_NOT_APPLY, type CheckRun } from './run.js';
import { controlAccepted } from './user-lifecycle.js';

const RFC_MUST = { rfc: 'MUST' } as const;

/** What the flow sends and the checks expect: one source for both. */
export const RFC_WRITE_VALUES = {
  nickName: 'Nick',
  title: 'Tester',
  atomicTitle: 'Atomic',
  /** The enterprise employeeNumber the run's user is created with, and a PATCH sets on a user without the extension. */
  employeeNumber: '4242',
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
  RESOURCE_EXTERNAL_ID_NOT_INVENTED: {
    title: 'a group created without externalId is not given one by the server',
    requiredBy: RFC_MUST,
    source: 'RFC 7643 §3.1 ("The value of the \\"externalId\\" attribute is always issued by the provisioning client and MUST NOT be specified by the service provider")',
    requirement: 'POST /Groups without an externalId is answered with a group that has no externalId (absent, null or "").',
    fix: 'Leave externalId unset unless the client sent one: do not fill it with the id, the displayName or an identifier of your own.',
  },
  USER_GROUPS_ARE_GROUP_IDS: {
    title: "a member user's groups names the group by its id",
    requiredBy: RFC_MUST,
    source:
      'RFC 7643 §4.1.2 ("If the SCIM service provider exposes a \\"Group\\" resource, the \\"value\\" sub-attribute MUST be the \\"id\\" … of the corresponding \\"Group\\" resources to which the user belongs")',
    requirement: "After POST /Groups with the run's user as its member, that user's groups has a value equal to the group's id.",
    fix: "Fill each value of a user's groups with the id of the Group resource (the one GET /Groups/{id} answers), not its displayName or an internal key.",
  },
  RESOURCE_REFERENCE_RESOLVES: {
    title: "a member's $ref answers a GET with the member",
    requiredBy: RFC_MUST,
    source:
      'RFC 7643 §2.3.7 ("A reference URI MUST be to an HTTP-addressable resource. An HTTP client performing a GET operation on a reference URI MUST receive the target resource or an appropriate HTTP response code")',
    requirement:
      "The $ref the server gives the run's user among a group's members, resolved against the base URL (a relative one as §2.3.7 says), answers GET with 200 and that user. A $ref outside the base URL is not sent: the token goes only there.",
    fix: 'Build $ref from the base URL the client uses and the resource\'s endpoint and id ("https://host/scim/v2/Users/{id}", or "Users/{id}"), the same URI as its meta.location.',
  },
  PUT_META_IGNORED: {
    title: 'a PUT ignores the meta the client sends',
    requiredBy: RFC_MUST,
    source: 'RFC 7644 §3.5.1 ("readOnly … Any values provided SHALL be ignored"); RFC 7643 §3.1 ("meta … SHALL be ignored when provided by clients")',
    requirement: 'PUT /Users/{id} carrying a made-up meta (resourceType "Group", created and lastModified 1999) is accepted, and the user keeps its own meta.',
    fix: 'Drop meta (and every readOnly attribute) from a PUT body before replacing the resource, and keep meta from your own record.',
  },
  PUT_GROUPS_IGNORED: {
    title: 'a PUT with "groups": [] leaves the user in its groups',
    requiredBy: RFC_MUST,
    source:
      'RFC 7644 §3.5.1 ("readOnly … Any values provided SHALL be ignored"); RFC 7643 §4.1.2 ("Since this attribute has a mutability of \\"readOnly\\", group membership changes MUST be applied via the \\"Group\\" Resource")',
    requirement: 'PUT /Users/{id} carrying "groups": [] for a user who is a member of the run\'s group is accepted, and the user is still a member.',
    fix: "Ignore groups in a PUT of a user (and in a create): membership changes only through the Group resource's members.",
  },
  PATCH_READONLY_REFUSED: {
    title: "a PATCH remove of the user's groups (readOnly) fails with 400 mutability",
    requiredBy: RFC_MUST,
    source:
      'RFC 7644 §3.5.2.2 ("If an attribute is removed or becomes unassigned and is defined as a required attribute or a read-only attribute, the server SHALL return … a \\"scimType\\" error code of \\"mutability\\""); §3.5.2 ("An operation that is not compatible with an attribute\'s mutability or schema SHALL return the appropriate HTTP response status code and a JSON detail error response")',
    requirement:
      '{"op":"remove","path":"groups"} on a user who is a member of the run\'s group answers 400 with scimType "mutability". (Okta\'s group rename carries the group\'s own id, unchanged: that changes no readOnly value, and GROUP_RENAME_PATCH accepts it.)',
    fix: 'Refuse an add, replace or remove of a readOnly attribute (groups, meta, id) with 400 {"scimType":"mutability"}, instead of ignoring it or applying it.',
  },
  ROOT_QUERY_INCLUDES: {
    title: 'a filter on the server root lists the matching user',
    requiredBy: RFC_MUST,
    source: 'RFC 7644 §3.4.2.1 ("A query against a server root indicates that all resources within the server SHALL be included, subject to filtering")',
    requirement:
      'GET {base}?filter=userName eq "<the run\'s user>" lists that user. Judged only when the root answers a ListResponse: a server that offers no root query is skipped with that reason.',
    fix: 'Run a root query over every resource type (Users and Groups), not over none or only some of them.',
  },
  ROOT_QUERY_FILTERED: {
    title: 'a filter on the server root lists nothing that does not match',
    requiredBy: RFC_MUST,
    source:
      'RFC 7644 §3.4.2.1 ("For filtered attributes that are not part of a particular resource type, the service provider SHALL treat the attribute as if there is no attribute value"; on such endpoints "filters MUST be processed as outlined in Section 3.4.2.2")',
    requirement:
      'GET {base}?filter=userName eq "<the run\'s user>" lists no other resource: no other user, and no group (a Group has no userName, so none matches, not even the run\'s group the user belongs to).',
    fix: 'Apply the filter to every resource type on the root, treating an attribute a type lacks as unassigned (no match), instead of ignoring the filter.',
  },
  PATCH_REPLACE_FILTERED_VALUE: {
    title: 'a PATCH replace of emails[type eq "work"].value changes the work email only',
    requiredBy: RFC_MUST,
    source:
      'RFC 7644 §3.5.2.3 ("If the target location is a multi-valued attribute and a value selection (\\"valuePath\\") filter is specified that matches one or more values of the multi-valued attribute, then all matching record values SHALL be replaced"; with a sub-attribute, "the matching sub-attribute of all matching records is replaced")',
    requirement: 'After {"op":"replace","path":"emails[type eq \\"work\\"].value",…}, the work email has the new value, and the home email added beside it is unchanged.',
    fix: "Resolve the value filter against the attribute's values and replace the sub-attribute in each match, leaving the other values as they are.",
  },
  USER_NAME_PRECIS_UNIQUE: {
    title: 'a userName equal to a taken one after PRECIS preparation is refused as a duplicate',
    requiredBy: RFC_MUST,
    source:
      'RFC 7644 §5 ("Before comparing or evaluating the uniqueness of a \\"userName\\" or \\"password\\" attribute, service providers MUST use the preparation, enforcement, and comparison of internationalized strings (PRECIS) preparation and comparison rules described in Sections 3 and 4, respectively, of [RFC7613]"); RFC 7613 §3 (the width mapping rule maps full-width characters to their decomposition); §7.8',
    requirement:
      'POST /Users whose userName is the run\'s user\'s with its letters after the run prefix in full width ("ｒｆｃ" for "rfc") is refused with 409 uniqueness, as a duplicate of that user.',
    fix: 'Prepare a userName as RFC 7613 §3 says (width mapping, case mapping, NFC; in most languages normalize("NFKC") and a lower-case) before the uniqueness check and before storing the key you compare.',
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
  RESOURCE_SCHEMAS_ORDER_IGNORED: {
    title: 'a user created with its "schemas" in another order is created as in the usual order',
    requiredBy: RFC_MUST,
    source: 'RFC 7643 §3 ("The order of the \\"schemas\\" values is not specified and MUST NOT impact behavior")',
    requirement: `POST /Users with "schemas": [enterprise extension, core User] and the enterprise employeeNumber "${RFC_WRITE_VALUES.employeeNumber}" is created and shown with both URNs in "schemas" and that employeeNumber, as the same create with [core User, enterprise extension] is. Judged where /ResourceTypes declares the enterprise extension on User.`,
    fix: 'Read "schemas" as a set: find the core schema and each extension by its URN wherever it stands in the array, never by its position.',
  },
  PATCH_SCHEMAS_THEN_EXTENSION: {
    title: 'a PATCH that adds the enterprise extension to "schemas" and then sets one of its attributes applies both',
    requiredBy: RFC_MUST,
    source:
      'RFC 7644 §3.5.2 ("For all operations, the value of the \\"schemas\\" attribute on the SCIM service provider\'s representation of the resource SHALL be assumed by default. If one of the PATCH operations modifies the \\"schemas\\" attribute, subsequent operations SHALL assume the modified state of the \\"schemas\\" attribute")',
    requirement: `One PATCH of a user without the enterprise extension, {"op":"add","path":"schemas","value":[<enterprise URN>]} then {"op":"add","path":"<enterprise URN>:employeeNumber","value":"${RFC_WRITE_VALUES.employeeNumber}"}, is accepted, and the user then has the URN in "schemas" and that employeeNumber. Judged where /ResourceTypes declares the extension on User, and only when a create carrying the extension keeps its employeeNumber (the control).`,
    fix: 'Apply the operations in order to one working copy of the resource: once an operation adds an extension URN to "schemas", take the attributes of that extension in the operations after it, instead of judging each operation against the "schemas" stored before the PATCH.',
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

/** Full width, for the ASCII letters and digits of `text`: what PRECIS\' width mapping maps back. */
export function fullWidth(text: string): string {
  return text.replace(/[A-Za-z0-9]/g, (char) => String.fromCharCode((char.codePointAt(0) ?? 0) + 0xfee0));
}

/**
 * The create of the full-width twin of the run's user. Created, `control` is the exact duplicate:
 * refused, the server keeps userNames unique but not after PRECIS preparation; created too, it
 * keeps none unique, which USER_DUPLICATE_CONFLICT judges, and this rule is not judged.
 */
export function checkPrecisDuplicate(run: CheckRun, twin: Exchange, control?: Exchange): void {
  const rule = rules.USER_NAME_PRECIS_UNIQUE;
  if (statusOf(twin) === 409) {
    run.pass(rule);
    return;
  }
  if (!isSuccess(twin)) {
    run.skip(rule, `not judged: the server refused the full-width userName itself, rather than comparing it (${describeResponse(twin)})`);
    return;
  }
  if (control !== undefined && isSuccess(control)) {
    run.skip(rule, `not judged: the server created an exact duplicate userName too (${describeResponse(control)}), so it keeps none unique (USER_DUPLICATE_CONFLICT)`);
    return;
  }
  run.fail(rule, gotFrom(twin, "The userName that equals the run's user's after PRECIS width mapping was created as another user, while the exact duplicate was refused:"));
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

/**
 * The user after the add of `primaryEmail` (type home) with primary true: the one primary email. It
 * is known by its type too, so that a value the same PATCH's filtered replace got wrong
 * (PATCH_REPLACE_FILTERED_VALUE) is not blamed here as well.
 */
export function checkPrimaryExclusive(run: CheckRun, state: JsonObject, exchange: Exchange, primaryEmail: string): void {
  const emails: unknown[] = Array.isArray(state['emails']) ? state['emails'] : [];
  const primary = emails.filter((email) => at(email, 'primary') === true);
  const primaries = primary.map((email) => at(email, 'value'));
  const theAdded = primaries[0] === primaryEmail || at(primary[0], 'type') === 'home';
  run.expect(rules.PATCH_PRIMARY_EXCLUSIVE, primaries.length === 1 && theAdded, () =>
    gotFrom(exchange, `After adding ${primaryEmail} as primary, the primary emails are ${show(primaries)}.`),
  );
}

/** The user after the replace of emails[type eq "work"].value: the work email changed, the home one (if added) did not. */
export function checkFilteredValueReplaced(run: CheckRun, state: JsonObject, exchange: Exchange, expected: { work: string; home?: string | undefined }): void {
  const emails: unknown[] = Array.isArray(state['emails']) ? state['emails'] : [];
  const valuesOf = (type: string) => emails.filter((email) => at(email, 'type') === type).map((email) => at(email, 'value'));
  const work = valuesOf('work');
  const home = valuesOf('home');
  const ok = work.length === 1 && work[0] === expected.work && (expected.home === undefined || (home.length === 1 && home[0] === expected.home));
  run.expect(rules.PATCH_REPLACE_FILTERED_VALUE, ok, () =>
    gotFrom(exchange, `After the replace of emails[type eq "work"].value with ${show(expected.work)}, the work emails are ${show(work)} and the home emails ${show(home)}.`),
  );
}

function checkRefusedWith(run: CheckRun, rule: (typeof rules)[keyof typeof rules], patch: Exchange, scimType: string): boolean {
  const status = statusOf(patch);
  const type = scimTypeOf(patch);
  return run.expect(rule, status === 400 && type === scimType, () => ({
    ...gotFrom(patch, isSuccess(patch) ? 'The PATCH was accepted:' : `The PATCH answered ${status ?? 'nothing'} with scimType ${show(type)}:`),
    ...serverErrorFix(patch),
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

/** The answer to a group create sent without externalId: none may come back. */
export function checkExternalIdNotInvented(run: CheckRun, creation: Exchange): void {
  const body = objectBody(creation);
  if (body === undefined) {
    run.skip(rules.RESOURCE_EXTERNAL_ID_NOT_INVENTED, 'not judged: the group create was answered without the group');
    return;
  }
  const externalId = body['externalId'];
  run.expect(rules.RESOURCE_EXTERNAL_ID_NOT_INVENTED, externalId === undefined || externalId === null || externalId === '', () =>
    gotFrom(creation, `The group was created without an externalId, and answered with externalId ${show(externalId)}.`),
  );
}

/** The $ref a group's answer gives its member `userId`, if any. */
export function memberRefOf(group: JsonObject | undefined, userId: string): string | undefined {
  const members: unknown[] = Array.isArray(group?.['members']) ? group['members'] : [];
  const ref = at(
    members.find((member) => at(member, 'value') === userId),
    '$ref',
  );
  return typeof ref === 'string' && ref !== '' ? ref : undefined;
}

/**
 * The URL a $ref names, resolved as RFC 7643 §2.3.7 says (against the base URL, up to the
 * endpoint), or undefined when it lies outside the base URL: the token is never sent elsewhere.
 */
export function referenceUrl(baseUrl: string, ref: string): string | undefined {
  try {
    const base = new URL(`${baseUrl.replace(/\/+$/, '')}/`);
    const url = new URL(ref, base);
    url.hash = '';
    const inside = url.origin === base.origin && url.username === '' && url.password === '' && url.pathname.startsWith(base.pathname);
    return inside ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The GET on the member's $ref. Refused or another resource, `control` (the same user read by the
 * path the suite builds from its id) tells a reference that leads nowhere from a user that cannot
 * be read at all.
 */
export function checkReferenceResolves(run: CheckRun, read: Exchange, userId: string, control?: Exchange): void {
  if (resourceOf(read, userId) !== undefined) {
    run.pass(rules.RESOURCE_REFERENCE_RESOLVES);
    return;
  }
  if (control !== undefined && resourceOf(control, userId) === undefined) {
    run.skip(rules.RESOURCE_REFERENCE_RESOLVES, `not judged: the user could not be read by its id either (${describeResponse(control)})`);
    return;
  }
  run.fail(rules.RESOURCE_REFERENCE_RESOLVES, gotFrom(read, `The member's $ref does not answer with the user (id ${userId}), while GET /Users/{id} does:`));
}

/** A server need not return a user's groups: RFC 7643 §4.1.2 does not require the attribute. */
export const NO_USER_GROUPS = `${DOES_NOT_APPLY}the member user is shown without groups, which RFC 7643 §4.1.2 does not require a server to return`;

/** Whether the user is shown with any groups at all. */
export function showsGroups(user: JsonObject): boolean {
  return Array.isArray(user['groups']) && user['groups'].length > 0;
}

/**
 * The member user as read after the group was created: its groups must name the group by id.
 * Returns whether it does (the membership is shown, so later checks can judge it).
 */
export function checkUserGroups(run: CheckRun, user: JsonObject, exchange: Exchange, groupId: string): boolean {
  if (!showsGroups(user)) {
    run.skip(rules.USER_GROUPS_ARE_GROUP_IDS, NO_USER_GROUPS);
    return false;
  }
  const listed = listsGroup(user, groupId);
  run.expect(rules.USER_GROUPS_ARE_GROUP_IDS, listed, () => gotFrom(exchange, `The user is a member of the group ${groupId}, but its groups is ${show(user['groups'])}.`));
  return listed;
}

/** Whether the user, as shown, lists the group among its groups. */
export const listsGroup = (user: JsonObject | undefined, groupId: string): boolean =>
  Array.isArray(user?.['groups']) && user['groups'].some((group: unknown) => at(group, 'value') === groupId);

/** What of the client's made-up meta a resource kept. */
function keptClientMeta(resource: JsonObject): string[] {
  const sent = RFC_WRITE_VALUES.clientMeta;
  return (['resourceType', 'created', 'lastModified'] as const).filter((name) => at(resource, `meta.${name}`) === sent[name]).map((name) => `meta.${name} ${show(sent[name])}`);
}

/** The user after an accepted PUT that carried a made-up meta: none of it may show. */
export function checkPutMetaIgnored(run: CheckRun, state: JsonObject, exchange: Exchange): void {
  const kept = keptClientMeta(state);
  run.expect(rules.PUT_META_IGNORED, kept.length === 0, () => gotFrom(exchange, `After the PUT, the user carries the client's ${kept.join(', ')}.`));
}

/** After an accepted PUT with "groups": [], the user is still a member (`exchange` shows where that was read). */
export function checkPutGroupsIgnored(run: CheckRun, stillMember: boolean, exchange: Exchange): void {
  run.expect(rules.PUT_GROUPS_IGNORED, stillMember, () => gotFrom(exchange, 'After the PUT with "groups": [], the user is no longer a member of the group:'));
}

/** A PUT refused for what it carried (`what`), while the same PUT without it (the control) was accepted. */
export function failPutRefused(run: CheckRun, rule: typeof rules.PUT_META_IGNORED, refused: Exchange, what: string): void {
  run.fail(rule, gotFrom(refused, `The PUT carrying ${what} was refused, while the same PUT without it succeeded:`));
}

export function checkPatchReadOnlyRefused(run: CheckRun, patch: Exchange): void {
  checkRefusedWith(run, rules.PATCH_READONLY_REFUSED, patch, 'mutability');
}

/** The ids a list answer holds. */
const listedIds = (exchange: Exchange) => (listedResources(exchange) ?? []).map((resource) => resource['id']);

/** A list answer that lists the one resource `id` and nothing else. */
export function listsExactly(exchange: Exchange, id: string): boolean {
  const ids = listedIds(exchange);
  return ids.length === 1 && ids[0] === id;
}

/**
 * The root query for the run's user: it lists that user (ROOT_QUERY_INCLUDES) and nothing else
 * (ROOT_QUERY_FILTERED). `control`, the same filter on /Users, is sent when it does not: if /Users
 * does not list exactly the user either, the filter is the cause, not the root, and neither rule is judged.
 */
export function checkRootQuery(run: CheckRun, root: Exchange, userId: string, control?: Exchange): void {
  const both = [rules.ROOT_QUERY_INCLUDES, rules.ROOT_QUERY_FILTERED];
  if (listedResources(root) === undefined) {
    for (const rule of both)
      run.skip(rule, `${DOES_NOT_APPLY}the server answers no query on its root (${describeResponse(root)}), which RFC 7644 §3.4.2.1 leaves optional ("MAY")`);
    return;
  }
  if (control !== undefined && !listsExactly(control, userId)) {
    for (const rule of both) run.skip(rule, `not judged: the same filter on /Users does not list exactly the user either (${describeResponse(control)})`);
    return;
  }
  const ids = listedIds(root);
  const note = `The root query for the user (id ${userId}) lists ${show(ids)}, while the same filter on /Users lists just the user:`;
  run.expect(rules.ROOT_QUERY_INCLUDES, ids.includes(userId), () => gotFrom(root, note));
  run.expect(
    rules.ROOT_QUERY_FILTERED,
    ids.every((id) => id === userId),
    () => gotFrom(root, note),
  );
}

/** The enterprise User extension, the one extension RFC 7643 (§4.3) defines. */
export const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const sameUrn = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/** Whether a user's "schemas" holds the enterprise URN (URNs compared without case, RFC 7643 §3). */
export const listsEnterprise = (user: JsonObject | undefined): boolean => Array.isArray(user?.['schemas']) && user['schemas'].some((urn: unknown) => sameUrn(urn, ENTERPRISE_URN));

/** The employeeNumber a user shows under the enterprise extension. */
function employeeNumberOf(user: JsonObject | undefined): unknown {
  const key = Object.keys(user ?? {}).find((name) => sameUrn(name, ENTERPRISE_URN));
  return key === undefined ? undefined : at(user?.[key], 'employeeNumber');
}

/** The user shows the extension as the flow sent it: the URN in "schemas" and the employeeNumber. */
export const showsEnterprise = (user: JsonObject | undefined): boolean => listsEnterprise(user) && employeeNumberOf(user) === RFC_WRITE_VALUES.employeeNumber;

const enterpriseShown = (user: JsonObject | undefined) => `"schemas" ${show(user?.['schemas'])} and employeeNumber ${show(employeeNumberOf(user))}`;

/** A create and the user it showed (its answer, else the read-back that showed it to be ours); no user when none was created. */
export interface CreateShown {
  exchange: Exchange;
  user: JsonObject | undefined;
}

/** What a create carrying the extension came to: refused, or the user it showed. */
const createOutcome = (create: CreateShown) =>
  isSuccess(create.exchange) ? `was created showing ${enterpriseShown(create.user)}` : `was refused: ${describeResponse(create.exchange)}`;

/**
 * The create with "schemas" [enterprise, core]. Not shown with the extension, `normal` (the same
 * create in the usual order [core, enterprise], sent then) is its control: shown with it, the order
 * is the cause; not, the server keeps the extension in neither order and the rule is not judged.
 */
export function checkSchemasOrder(run: CheckRun, reversed: CreateShown, normal?: CreateShown): void {
  const rule = rules.RESOURCE_SCHEMAS_ORDER_IGNORED;
  if (showsEnterprise(reversed.user)) {
    run.pass(rule);
    return;
  }
  if (normal === undefined || !showsEnterprise(normal.user)) {
    const control = normal === undefined ? 'was not sent' : createOutcome(normal);
    run.skip(
      rule,
      `not judged: the same create with "schemas" in the usual order [core, enterprise] ${control}, so the server does not keep the extension's employeeNumber in either order; the order is not the cause`,
    );
    return;
  }
  const outcome = isSuccess(reversed.exchange) ? `was created showing ${enterpriseShown(reversed.user)}` : 'was refused';
  run.fail(
    rule,
    gotFrom(
      reversed.exchange,
      `The create with "schemas" [enterprise, core] ${outcome}, while the same create with [core, enterprise] was created showing both URNs and the employeeNumber:`,
    ),
  );
}

/**
 * The PATCH that adds the enterprise URN to "schemas" and then its employeeNumber, on a user without
 * the extension; `after` is the user once it was accepted. Its controls: `created`, a create that
 * carried the extension (the run's user), must have kept the employeeNumber, and, when the PATCH was
 * refused, `schemasAlone` (the add to "schemas" sent alone) must be accepted: a server that lets no
 * PATCH change "schemas" is not judged on what follows such a change.
 */
export function checkSchemasPatch(
  run: CheckRun,
  patch: Exchange,
  after: { resource: JsonObject | undefined; exchange: Exchange } | undefined,
  controls: { created: CreateShown; schemasAlone?: Exchange | undefined },
): void {
  const rule = rules.PATCH_SCHEMAS_THEN_EXTENSION;
  if (after !== undefined && showsEnterprise(after.resource)) {
    run.pass(rule);
    return;
  }
  if (!showsEnterprise(controls.created.user)) {
    run.skip(
      rule,
      `not judged: the control, a create carrying the extension, ${createOutcome(controls.created)}, so the server does not keep the extension's employeeNumber at all; the "schemas" operation is not the cause`,
    );
    return;
  }
  if (after === undefined && controls.schemasAlone !== undefined && !controlAccepted(run, rule, controls.schemasAlone, 'the add to "schemas" sent alone')) return;
  const got = after === undefined ? 'was refused' : `was accepted, and the user then shows ${enterpriseShown(after.resource)}`;
  run.fail(
    rule,
    gotFrom(
      after?.exchange ?? patch,
      `The PATCH that adds the enterprise URN to "schemas" and then its employeeNumber ${got}, while a create carrying the extension keeps the employeeNumber:`,
    ),
  );
}
