/**
 * Groups as Okta and Entra push them: create, find, membership changes both ways, rename, delete.
 */
import type { Exchange } from '../http/exchange.js';
import { defineRules, type Rule } from './rule.js';
import type { CheckRun } from './run.js';
import { at, gotFrom, hasValue, isSuccess, serverErrorFix, listedResources, memberIdsOf, objectBody, show, statusOf, type JsonObject } from './answers.js';
import { withoutClient } from './senders.js';

const ALL_MUST = { okta: 'MUST', entra: 'MUST', rfc: 'MUST' } as const;

export const groupRules = defineRules({
  GROUP_CREATE: {
    title: 'POST /Groups with displayName and no members answers 201 with the group',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.3; Okta group push ({displayName, members: []}); Microsoft SCIM collection ("Create empty group")',
    requirement: '201 with the created Group: a non-empty "id" and the displayName sent.',
    fix: 'Accept "members": [] (an empty list is not an error) and return the stored group in the 201.',
  },
  GROUP_FIND_BY_DISPLAY_NAME: {
    title: 'a displayName eq filter finds the group, and nothing before it exists',
    requiredBy: ALL_MUST,
    source: 'Okta group push (filter=displayName eq "…" first); Entra group matching; RFC 7644 §3.4.2.2',
    requirement: 'Before the create, filter=displayName eq "<name>" is an empty ListResponse; after it, exactly the created group.',
    fix: 'Support eq on Group displayName. If the filter is ignored, Okta links the push to the wrong group.',
  },
  GROUP_EXCLUDED_MEMBERS: {
    title: 'excludedAttributes=members leaves members out of the group',
    requiredBy: { entra: 'MUST', rfc: 'SHOULD' },
    source: 'Entra (GET /Groups?excludedAttributes=members&filter=displayName eq "…"); RFC 7644 §3.4.2.5; Microsoft SCIM collection',
    requirement: 'GET /Groups/{id}?excludedAttributes=members and the filtered list with it return the group (id, displayName) without "members".',
    fix: "Honour excludedAttributes; for large groups this is what keeps Entra's matching fast.",
  },
  GROUP_ADD_MEMBER: {
    title: 'PATCH add on members adds the user to the group',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.5.2.1; Okta group push ({"op":"add","path":"members","value":[{"value":"<id>"}]}); Microsoft SCIM collection ("Patch add user4")',
    requirement: 'After the PATCH, GET /Groups/{id} lists the user in members.',
    fix: 'Append the given values to members (ignoring ones already present).',
  },
  GROUP_REMOVE_MEMBER_BY_FILTER: {
    title: 'PATCH remove with path members[value eq "<id>"] removes that member',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.5.2.2; Okta group push; Microsoft SCIM collection ("Patch remove user4")',
    requirement: 'After {"op":"remove","path":"members[value eq \\"<id>\\"]"}, the member is gone.',
    fix: 'Parse the value filter in the path and remove the matching members only.',
  },
  GROUP_REPLACE_MEMBERS: {
    title: 'PATCH replace of members sets exactly the given list',
    requiredBy: { okta: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.5.2.3; Okta group push (replace of the whole list)',
    requirement: 'After {"op":"replace","path":"members","value":[…]}, members holds exactly those users.',
    fix: 'Replace the member list instead of appending to it.',
  },
  GROUP_REMOVE_MEMBER_BY_VALUE: {
    title: 'Entra\'s "Remove" on members with a value list removes just those members',
    requiredBy: { entra: 'MUST' },
    source: 'Entra provisioning ({"op":"Remove","path":"members","value":[{"value":"<id>"}]})',
    requirement: 'Only the listed members are removed; the others stay.',
    fix: 'For remove on members with a value, remove the members whose value is listed. Removing all members here empties groups in production.',
  },
  GROUP_MEMBERS_RETURNED: {
    title: 'a group with members is returned with its members',
    // Neither client is shown reading members back: Entra reads groups with excludedAttributes=members,
    // and none of Okta's SPEC and CRUD tests nor Microsoft's collection reads a group's members
    // (SCIM-CLIENTS.md, anchors/). What it decides is whether membership can be judged from outside.
    requiredBy: { rfc: 'SHOULD' },
    source:
      'RFC 7643 §4.2 (members), §8.7.1 (the Group schema: members "returned": "default"), §7 ("default": "returned by default in all SCIM operation responses where attribute values are returned")',
    requirement:
      'After members were added (by POST with members or PATCH add), GET /Groups/{id} lists them in "members". A server that never returns members cannot be judged on membership: the membership checks are skipped then.',
    fix: 'Return "members" (value, and display or $ref) in group answers: a client that reads a group back cannot tell its members otherwise.',
  },
  GROUP_PATCH_ANSWER: {
    title: 'a group PATCH answers 200 with the group, or 204',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.5.2; Okta SCIM guide',
    requirement: '200 with the Group in the body, as it is after the change (its members included), or 204 No Content.',
    fix: 'Answer 204, or 200 with the updated group (as GET returns it after the change, not as it was before).',
  },
  GROUP_PATCH_NO_CONTENT: {
    title: 'a group PATCH answers 204 No Content',
    requiredBy: { entra: 'SHOULD' },
    source: 'Entra provisioning guidance (group PATCH should answer 204); Microsoft SCIM collection ("Group patch add member")',
    requirement: "204 No Content: sending large member lists back slows Entra's group sync.",
    fix: 'Answer a successful group PATCH with 204 and no body.',
  },
  GROUP_RENAME_PATCH: {
    title: 'Okta\'s rename PATCH {"op":"replace","value":{"id","displayName"}} renames the group',
    requiredBy: { okta: 'MUST', rfc: 'MUST' },
    source: 'Okta group push; RFC 7644 §3.5.2.3 (readOnly id in the value is ignored)',
    requirement: 'After the PATCH, GET shows the new displayName.',
    fix: 'Apply a no-path replace, ignoring the readOnly "id" in the value rather than refusing the request.',
  },
  GROUP_RENAME_PUT: {
    title: 'PUT of the whole group renames it and sets its members',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.5.1; Okta group push; Microsoft SCIM collection ("Put replace group3")',
    requirement: 'PUT answers 200 with the group; GET shows the new displayName and exactly the members sent.',
    fix: 'Replace displayName and members from the PUT body.',
  },
  GROUP_DELETE: {
    title: 'DELETE /Groups/{id} answers 204, and the group is gone',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.6; Okta (DELETE on unlink, 204); Microsoft SCIM collection ("Delete group 1")',
    requirement: '204, then 404 for GET /Groups/{id}.',
    fix: 'Delete the group and answer 204 No Content.',
  },
  GROUP_DELETE_KEEPS_MEMBERS: {
    title: 'deleting a group leaves its member users in place',
    requiredBy: ALL_MUST,
    source: 'RFC 7643 §4.2 (members are references); RFC 7644 §3.6',
    requirement: 'Users that were members are still there (GET /Users/{id} is 200) after the group is deleted.',
    fix: 'Delete the membership rows, not the users (check ON DELETE CASCADE on the membership table).',
  },
});

/** The 201 of a group create; returns its id. */
export function checkGroupCreated(run: CheckRun, exchange: Exchange, displayName: string): string | undefined {
  const body = objectBody(exchange);
  const id = body?.['id'];
  const ok = statusOf(exchange) === 201 && typeof id === 'string' && id !== '' && body?.['displayName'] === displayName;
  run.expect(groupRules.GROUP_CREATE, ok, () => ({
    ...gotFrom(exchange, `Expected 201 with the group ${show(displayName)}:`),
    ...serverErrorFix(exchange),
  }));
  return ok ? (id as string) : undefined;
}

/**
 * Each group PATCH: 200 with the group or 204 (all clients), 204 (Entra's preference). What a 200
 * shows of the members is judged apart, against the GET made right after it (checkAnswerMatchesRead).
 */
export function checkGroupPatchAnswer(run: CheckRun, exchange: Exchange, id: string): boolean {
  const status = statusOf(exchange);
  const body = objectBody(exchange);
  const ok = status === 204 || (status === 200 && body?.['id'] === id);
  run.expect(groupRules.GROUP_PATCH_ANSWER, ok, () => ({
    ...gotFrom(exchange, status === 200 ? 'A 200 must carry the group:' : 'Expected 200 or 204:'),
    ...serverErrorFix(exchange),
  }));
  if (!ok) return false;
  run.expect(groupRules.GROUP_PATCH_NO_CONTENT, status === 204, () => gotFrom(exchange, 'Expected 204:'));
  return true;
}

/**
 * A 200 to a membership PATCH against the GET made right after it (the control): RFC 7644 §3.5.2,
 * "200 OK … and the entire resource". The answer is blamed only when its members differ from what
 * that GET shows; when both show the same, whatever is wrong is the membership's (checkMembers) or
 * the server's way of returning members (GROUP_MEMBERS_RETURNED), not the answer's.
 */
export function checkAnswerMatchesRead(run: CheckRun, answer: Exchange, after: Exchange): void {
  const body = objectBody(answer);
  const read = objectBody(after);
  if (statusOf(answer) !== 200 || body === undefined || statusOf(after) !== 200 || read === undefined) return;
  const shown = memberIdsOf(body).sort();
  const current = memberIdsOf(read).sort();
  // No "members" at all is a fair answer only for a group that has none.
  const silent = !('members' in body) && current.length === 0;
  run.expect(groupRules.GROUP_PATCH_ANSWER, silent || JSON.stringify(shown) === JSON.stringify(current), () => ({
    got: `The PATCH answered 200 with the group, but its members are ${show(shown)}, while the GET right after it shows ${show(current)}: the answer shows the group as it was.`,
    exchange: answer,
  }));
}

/** Does the answer show the group with at least one member? What GROUP_MEMBERS_RETURNED looks for. */
export function showsMembers(exchange: Exchange): boolean {
  const status = statusOf(exchange);
  return status !== undefined && status >= 200 && status < 300 && memberIdsOf(objectBody(exchange)).length > 0;
}

/** GET /Groups/{id} after a membership change: exactly `expected` members. */
export function checkMembers(run: CheckRun, rule: Rule, exchange: Exchange, expected: readonly string[], what: string): void {
  const body = objectBody(exchange);
  const members = memberIdsOf(body).sort();
  const want = [...expected].sort();
  run.expect(rule, statusOf(exchange) === 200 && body !== undefined && JSON.stringify(members) === JSON.stringify(want), () =>
    statusOf(exchange) !== 200 || body === undefined
      ? gotFrom(exchange, `After ${what}:`)
      : { got: `After ${what}, members are ${show(members)}; expected ${show(want)}.`, exchange },
  );
}

/** A group read or listed with excludedAttributes=members: found, and without members. */
export function checkMembersExcluded(run: CheckRun, byId: Exchange, byFilter: Exchange, id: string): void {
  const single = objectBody(byId);
  const listed = listedResources(byFilter)?.find((r) => r['id'] === id);
  const problems: Array<{ got: string; exchange: Exchange }> = [];
  if (statusOf(byId) !== 200 || single?.['id'] !== id) problems.push(gotFrom(byId, 'Expected the group:') as { got: string; exchange: Exchange });
  else if (hasValue(single, 'members')) problems.push({ got: `GET /Groups/${id}?excludedAttributes=members returned members ${show(single['members'])}.`, exchange: byId });
  if (listed === undefined) problems.push({ got: `The filtered list with excludedAttributes=members does not hold the group ${id}.`, exchange: byFilter });
  else if (hasValue(listed, 'members'))
    problems.push({ got: `The filtered list with excludedAttributes=members returned members ${show(listed['members'])}.`, exchange: byFilter });
  const first = problems[0];
  if (first === undefined) run.pass(groupRules.GROUP_EXCLUDED_MEMBERS);
  else run.fail(groupRules.GROUP_EXCLUDED_MEMBERS, { got: problems.map((p) => p.got).join(' '), exchange: first.exchange });
}

/** A rename (PATCH or PUT) and the GET after it. */
export function checkRenamed(run: CheckRun, rule: Rule, update: Exchange, after: Exchange, displayName: string, members?: readonly string[]): void {
  const accepted = rule === groupRules.GROUP_RENAME_PUT ? statusOf(update) === 200 : statusOf(update) === 200 || statusOf(update) === 204;
  const body = objectBody(after);
  const membersOk = members === undefined || JSON.stringify(memberIdsOf(body).sort()) === JSON.stringify([...members].sort());
  run.expect(rule, accepted && statusOf(after) === 200 && body?.['displayName'] === displayName && membersOk, () =>
    !accepted
      ? { ...gotFrom(update), ...serverErrorFix(update) }
      : {
          got: `After the rename to ${show(displayName)}, GET shows displayName ${show(at(body, 'displayName'))}${membersOk ? '' : ` and members ${show(memberIdsOf(body))} (sent ${show(members)})`}.`,
          exchange: after,
        },
  );
}

/** DELETE, GET after it, and the former member still there. */
export function checkGroupDeleted(run: CheckRun, deletion: Exchange, after: Exchange, member: Exchange | undefined): void {
  const gone = statusOf(after) === 404;
  const from = run.findings.length;
  run.expect(groupRules.GROUP_DELETE, statusOf(deletion) === 204 && gone, () =>
    statusOf(deletion) !== 204 ? gotFrom(deletion, 'Expected 204:') : gotFrom(after, 'Expected 404 after DELETE:'),
  );
  // Gone after another 2xx: Okta's unlink has what it needs, so the 204 is the RFC's and Microsoft's collection's alone.
  if (gone && isSuccess(deletion)) run.findings.push(...run.findings.splice(from).map((found) => withoutClient(found, 'okta')));
  if (member !== undefined) {
    run.expect(groupRules.GROUP_DELETE_KEEPS_MEMBERS, statusOf(member) === 200, () => gotFrom(member, 'The former member is gone:'));
  }
}

export type { JsonObject };
