/**
 * The write path as Okta and Entra drive it, one lifecycle per function: each sends its steps in
 * order, judges every answer with the pure checks in src/checks, and records all of it in one
 * CheckRun. A step whose input an earlier step did not produce (no id came back) is not sent; its
 * rules stay unchecked, and the suite reports them as skipped behind the first finding.
 * Every resource is created through TestData, so it is registered for cleanup the moment it exists.
 */
import { randomUUID } from 'node:crypto';
import { badInputRules, checkActiveStringTrue, checkMissingUserName, checkUnknownAttribute, checkUnparseableBody, checkWrongType } from '../checks/bad-input.js';
import { checkEtagMatchesVersion, checkIfMatchCurrent, checkNotModified, checkStaleRefused, checkVersionChanged, etagAdvertised, etagRules } from '../checks/etag.js';
import {
  checkAnswerMatchesRead,
  checkGroupCreated,
  checkGroupDeleted,
  checkGroupPatchAnswer,
  checkMembers,
  checkMembersExcluded,
  checkRenamed,
  groupRules,
  showsMembers,
} from '../checks/group-lifecycle.js';
import type { Rule } from '../checks/rule.js';
import { CheckRun } from '../checks/run.js';
import {
  checkDuplicateRefused,
  checkFoundExactly,
  checkFoundInactive,
  checkNothingFound,
  checkPatchAccepted,
  checkPutReplaced,
  checkReadShows,
  checkUserCreated,
  checkUserDeleted,
  checkUserRead,
  controlAccepted,
  entraUserRules,
  userLifecycleRules,
} from '../checks/user-lifecycle.js';
import { acceptedUpdate, listedResources, objectBody, show, statusOf } from '../checks/answers.js';
import { notSentBy } from '../checks/senders.js';
import { ownershipRules } from '../checks/ownership.js';
import { WriteGuardRefusal, type ScimClient } from '../http/client.js';
import type { RefusalReason } from '../http/write-guard.js';
import type { Exchange } from '../http/exchange.js';
import { OKTA_HEADERS } from '../probes.js';
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, newPassword, oktaUserPayload, PATCH_SCHEMA, USER_SCHEMA, type TestData } from '../suite/test-data.js';

export interface FlowContext {
  client: ScimClient;
  data: TestData;
}

/** Every rule a write flow judges: what is skipped when the guard stops one. */
const FLOW_RULES = [userLifecycleRules, entraUserRules, groupRules, badInputRules, etagRules].flatMap((rules) => Object.values(rules));

/** Refusals after which a flow cannot go on: the resource is not ours, or could not be read back to tell. */
const STOPS_FLOW = new Set<RefusalReason>(['foreign', 'missing', 'unreadable']);

/**
 * A flow whose steps the write guard may stop. A create answered with a resource that is not the
 * one created is the WRITE_CREATED_NOT_OURS finding; what the flow could not send then is skipped
 * with that reason. Any other refusal is a bug of ours, and fails loudly.
 */
export function guardedFlow(
  steps: (context: FlowContext, run: CheckRun) => Promise<CheckRun>,
  flowRules: readonly Rule[] = FLOW_RULES,
): (context: FlowContext) => Promise<CheckRun> {
  return async (context) => {
    const run = new CheckRun();
    const earlier = context.data.noticed.foreign.length;
    const owned = context.data.ownCreations;
    let stopped: string | undefined;
    try {
      await steps(context, run);
    } catch (error) {
      if (!(error instanceof WriteGuardRefusal) || !STOPS_FLOW.has(error.reason)) throw error;
      stopped = `not sent: ${error.message}`;
    }
    const foreign = context.data.noticed.foreign.slice(earlier).filter((creation) => creation.blocker);
    const rule = ownershipRules.WRITE_CREATED_NOT_OURS;
    for (const creation of foreign) {
      run.fail(rule, { got: `The create of ${creation.name} was answered with id ${creation.id}, and ${creation.reason}.`, exchange: creation.readBack ?? creation.exchange });
    }
    if (foreign.length === 0 && context.data.ownCreations > owned) run.pass(rule);
    const reason = foreign.length > 0 ? `not sent: the server answered a create with a resource that is not the one created (${rule.code})` : stopped;
    if (reason !== undefined) for (const other of flowRules) run.skip(other, reason);
    return run;
  };
}

/**
 * Steps none of whose requests Okta sends (SCIM-CLIENTS.md, Okta; anchors/Okta-SCIM-20-*): Entra's
 * own flow, Microsoft's bad input. What they show does not block Okta, also when a step stops early.
 */
function notOktas(steps: (context: FlowContext, run: CheckRun) => Promise<CheckRun>): (context: FlowContext, run: CheckRun) => Promise<CheckRun> {
  return async (context, run) => {
    try {
      return await steps(context, run);
    } finally {
      notSentBy(run, 'okta');
    }
  };
}

/** The body of a read when it is the resource itself (200, the same id): what may be PUT back. */
function sameResource(read: Exchange, id: string): Record<string, unknown> | undefined {
  const body = objectBody(read);
  const schemas = body?.['schemas'];
  const message = Array.isArray(schemas) && schemas.some((schema) => typeof schema === 'string' && schema.startsWith('urn:ietf:params:scim:api:messages:'));
  return read.response?.status === 200 && body?.['id'] === id && !message ? body : undefined;
}

const patchBody = (...operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations: operations });
export const userPath = (id: string) => `/Users/${encodeURIComponent(id)}`;
export const groupPath = (id: string) => `/Groups/${encodeURIComponent(id)}`;

/** The same name with everything after the run prefix in upper case: still ours, still sweepable. */
export function otherCase(name: string, prefix: string): string {
  return `${prefix}${name.slice(prefix.length).toUpperCase()}`;
}

function oktaFilter(client: ScimClient, kind: 'Users' | 'Groups', filter: string): Promise<Exchange> {
  return client.send({ path: `/${kind}`, query: { filter, startIndex: 1, count: 100 }, headers: OKTA_HEADERS });
}

/**
 * Okta: lookup, create with the full payload, read back by id and by filter in another case,
 * duplicates, GET then PUT, deactivate, reactivate, password push. Okta never deletes users.
 */
export const oktaUserFlow = guardedFlow(async ({ client, data }, run) => {
  const rules = userLifecycleRules;
  const send = (options: Parameters<ScimClient['send']>[0]) => client.send({ ...options, headers: { ...OKTA_HEADERS, ...options.headers } });
  const userName = data.name('Users');
  checkNothingFound(run, rules.USER_LOOKUP_BEFORE_CREATE, await oktaFilter(client, 'Users', `userName eq "${userName}"`));

  const payload = data.user(oktaUserPayload(userName));
  const creation = await data.create('Users', payload);
  checkUserCreated(run, creation.exchange, payload);
  const id = creation.created?.id;
  if (id === undefined) return run;

  const [read, found, foundAnyCase] = await Promise.all([
    send({ path: userPath(id) }),
    oktaFilter(client, 'Users', `userName eq "${userName}"`),
    oktaFilter(client, 'Users', `userName eq "${otherCase(userName, data.prefix)}"`),
  ]);
  const user = checkUserRead(run, read, id, userName);
  checkFoundExactly(run, rules.USER_FILTER_FINDS_CREATED, found, id);
  checkFoundExactly(run, rules.USER_FILTER_ANY_CASE, foundAnyCase, id);

  // Okta's App Integration Wizard apps: GET, then PUT the whole resource back with the change.
  const givenName = 'Updated';
  const putBack = async (current: Record<string, unknown> | undefined) => {
    if (current === undefined) return undefined;
    const name = typeof current['name'] === 'object' && current['name'] !== null ? current['name'] : {};
    const sent = { ...current, name: { ...name, givenName } };
    const put = await send({ method: 'PUT', path: userPath(id), json: sent });
    return { put, sent, read: await send({ path: userPath(id) }) };
  };
  // After the lookups, so that a duplicate the server wrongly accepts cannot spoil them.
  const [duplicate, caseDuplicate, replaced] = await Promise.all([
    data.create('Users', { ...payload, password: newPassword() }),
    data.create('Users', { ...payload, userName: otherCase(userName, data.prefix), password: newPassword() }),
    // Only a user read back as the user: never an Error or a ListResponse PUT as if it were one.
    putBack(user ?? sameResource(read, id)),
  ]);
  checkDuplicateRefused(run, rules.USER_DUPLICATE_CONFLICT, duplicate.exchange, true);
  checkDuplicateRefused(run, rules.USER_DUPLICATE_ANY_CASE, caseDuplicate.exchange, false);
  if (replaced !== undefined) checkPutReplaced(run, replaced.put, replaced.read, replaced.sent);

  const deactivate = await send({ method: 'PATCH', path: userPath(id), json: patchBody({ op: 'replace', value: { active: false } }) });
  if (checkPatchAccepted(run, rules.USER_DEACTIVATE_PATCH, deactivate, { active: false })) {
    const [inactive, foundInactive] = await Promise.all([send({ path: userPath(id) }), oktaFilter(client, 'Users', `userName eq "${userName}"`)]);
    checkReadShows(run, rules.USER_DEACTIVATED_READABLE, inactive, { id, active: false }, 'deactivation');
    checkFoundInactive(run, foundInactive, id);
    const reactivate = await send({ method: 'PATCH', path: userPath(id), json: patchBody({ op: 'replace', value: { active: true } }) });
    if (checkPatchAccepted(run, rules.USER_REACTIVATE_PATCH, reactivate, { active: true })) {
      checkReadShows(run, rules.USER_REACTIVATE_PATCH, await send({ path: userPath(id) }), { active: true }, 'reactivation');
    }
  }

  const password = await send({ method: 'PATCH', path: userPath(id), json: patchBody({ op: 'replace', value: { password: newPassword() } }) });
  checkPatchAccepted(run, rules.USER_PASSWORD_PUSH, password);
  return run;
});

/**
 * A user as Entra creates one: externalId, a work email, and the enterprise extension attributes
 * Entra's default mapping sends (employeeNumber, department, and the manager's id once the manager
 * is provisioned).
 */
export function entraUserPayload(userName: string, externalId: string, workEmail: string, managerId?: string): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
    externalId,
    userName,
    active: true,
    displayName: 'Entra Test',
    name: { formatted: 'Entra Test', familyName: 'Test', givenName: 'Entra' },
    emails: [{ primary: true, type: 'work', value: workEmail }],
    [ENTERPRISE_SCHEMA]: { employeeNumber: '42', department: 'Provisioning', ...(managerId === undefined ? {} : { manager: { value: managerId } }) },
  };
}

/**
 * Entra without the aadOptscim062020 flag: capitalised ops. Each variant follows its control, the
 * same operations with lower-case ops: a server that refuses the attribute itself (a 400 naming
 * nickName) is not blamed for the case of op.
 */
async function checkCapitalisedOps(run: CheckRun, patch: (...operations: unknown[]) => Promise<Exchange>, read: () => Promise<Exchange>): Promise<void> {
  const rule = entraUserRules.PATCH_OP_CAPITALISED;
  const control = await patch({ op: 'replace', path: 'displayName', value: 'Entra Control' }, { op: 'add', path: 'nickName', value: 'Control' });
  if (!controlAccepted(run, rule, control, 'the same replace of displayName and add of nickName with lower-case ops')) return;
  const capitalised = await patch({ op: 'Replace', path: 'displayName', value: 'Entra Renamed' }, { op: 'Add', path: 'nickName', value: 'Nick' });
  if (!checkPatchAccepted(run, rule, capitalised, { displayName: 'Entra Renamed', nickName: 'Nick' })) return;
  checkReadShows(run, rule, await read(), { displayName: 'Entra Renamed', nickName: 'Nick' }, '"Replace" and "Add"');
  if (checkPatchAccepted(run, rule, await patch({ op: 'Remove', path: 'nickName' }), { nickName: undefined })) {
    checkReadShows(run, rule, await read(), { nickName: undefined }, '"Remove" of nickName');
  }
}

interface SoftDelete {
  patch: (...operations: unknown[]) => Promise<Exchange>;
  read: () => Promise<Exchange>;
  byExternalId: () => Promise<Exchange>;
  id: string;
  /** Did the externalId filter list the user before the soft delete? */
  matchedBefore: boolean;
}

/**
 * Entra's soft delete: the user stays, inactive, and is still matched. Each consequence has its
 * control: a user read back with "active" other than false (the "False" string not taken) is
 * PATCH_ACTIVE_STRING's finding, not a deactivated user that vanished; a filter that did not find
 * the user before it was deactivated is USER_MATCH_EXTERNAL_ID's, not one that hides inactive users.
 */
async function checkSoftDelete(run: CheckRun, { patch, read, byExternalId, id, matchedBefore }: SoftDelete): Promise<void> {
  const { USER_DEACTIVATED_READABLE, USER_DEACTIVATED_FINDABLE } = userLifecycleRules;
  const softDelete = await patch({ op: 'Replace', path: 'active', value: 'False' });
  const [after, stillMatched] = acceptedUpdate(softDelete) ? await Promise.all([read(), byExternalId()]) : [undefined, undefined];
  if (!checkPatchAccepted(run, entraUserRules.PATCH_ACTIVE_STRING, softDelete, { active: false }, after) || after === undefined || stillMatched === undefined) return;
  const shown = checkReadShows(run, entraUserRules.PATCH_ACTIVE_STRING, after, { active: false }, '{"op":"Replace","path":"active","value":"False"}');
  const notTaken = statusOf(after) === 200 && shown?.['id'] === id && shown['active'] !== false;
  const why = `not judged: the soft delete did not make the user inactive (it reads "active": ${show(shown?.['active'])}), which is ${entraUserRules.PATCH_ACTIVE_STRING.code}`;
  if (notTaken) run.skip(USER_DEACTIVATED_READABLE, why);
  else checkReadShows(run, USER_DEACTIVATED_READABLE, after, { id, active: false }, 'the soft delete');
  if (notTaken) run.skip(USER_DEACTIVATED_FINDABLE, why);
  else if (!matchedBefore)
    run.skip(USER_DEACTIVATED_FINDABLE, `not judged: the externalId filter did not list the user before the soft delete either (${entraUserRules.USER_MATCH_EXTERNAL_ID.code})`);
  else checkFoundInactive(run, stillMatched, id);
}

/**
 * Entra: matching by externalId and work email, PATCH in both of Entra's dialects, soft delete with
 * "False", then DELETE, a read after it, and a second DELETE.
 */
export const entraUserFlow = guardedFlow(
  notOktas(async ({ client, data }, run) => {
    const rules = entraUserRules;
    const userName = data.name('Users');
    const externalId = randomUUID();
    const workEmail = userName.replace('@', '.work@');
    const byExternalId = () => client.send({ path: '/Users', query: { filter: `externalId eq "${externalId}"` } });
    // The manager first, as Entra provisions a manager before the people who report to them.
    const [before, manager] = await Promise.all([byExternalId(), data.createUser()]);
    checkNothingFound(run, rules.USER_MATCH_EXTERNAL_ID, before);

    const payload = data.user(entraUserPayload(userName, externalId, workEmail, manager.created?.id));
    const matches = () => Promise.all([byExternalId(), client.send({ path: '/Users', query: { filter: `emails[type eq "work"].value eq "${workEmail}"` } })]);
    const { creation, found } = await data.createWith('Users', payload, matches);
    checkUserCreated(run, creation.exchange, payload);
    const id = creation.created?.id;
    if (id === undefined || found === undefined) return run;

    const [byId, byEmail] = found;
    checkFoundExactly(run, rules.USER_MATCH_EXTERNAL_ID, byId, id);
    checkFoundExactly(run, rules.USER_MATCH_WORK_EMAIL, byEmail, id);
    // The control for "still matched after the soft delete": the same filter found the user before it.
    const matchedBefore = listedResources(byId)?.some((user) => user['id'] === id) === true;

    const patch = (...operations: unknown[]) => client.send({ method: 'PATCH', path: userPath(id), json: patchBody(...operations) });
    const read = () => client.send({ path: userPath(id) });

    await checkCapitalisedOps(run, patch, read);

    const several = await patch(
      { op: 'replace', path: 'name.givenName', value: 'Several' },
      { op: 'replace', path: 'name.familyName', value: 'Operations' },
      { op: 'add', path: 'title', value: 'Tester' },
    );
    const severalShown = { 'name.givenName': 'Several', 'name.familyName': 'Operations', title: 'Tester' };
    if (checkPatchAccepted(run, rules.PATCH_SEVERAL_OPERATIONS, several, severalShown)) {
      checkReadShows(run, rules.PATCH_SEVERAL_OPERATIONS, await read(), severalShown, 'three operations in one PATCH');
    }

    // With the flag: a no-path replace whose keys are attribute paths.
    const dotted = await patch({ op: 'replace', value: { 'name.givenName': 'Dotted', 'name.familyName': 'Keys', displayName: 'Dotted Keys' } });
    const dottedShown = { 'name.givenName': 'Dotted', 'name.familyName': 'Keys', displayName: 'Dotted Keys' };
    if (checkPatchAccepted(run, rules.PATCH_NO_PATH_DOTTED_KEYS, dotted, dottedShown)) {
      checkReadShows(run, rules.PATCH_NO_PATH_DOTTED_KEYS, await read(), dottedShown, 'a no-path replace with dotted keys');
    }

    await checkSoftDelete(run, { patch, read, byExternalId, id, matchedBefore });

    const deletion = await client.send({ method: 'DELETE', path: userPath(id) });
    const deleted = deletion.response !== undefined && deletion.response.status >= 200 && deletion.response.status < 300;
    // Their manager goes once they are deleted, beside the checks of the deletion.
    const [[after, again]] = await Promise.all([
      deleted ? Promise.all([read(), client.send({ method: 'DELETE', path: userPath(id) })]) : [undefined, undefined],
      manager.created === undefined ? undefined : data.remove(manager.created),
    ]);
    // Removed only when a read says so: a 204 after which the user is still there is the cleanup's.
    if (after?.response?.status === 404) data.forget(id);
    checkUserDeleted(run, deletion, after, again);
    return run;
  }),
);

interface Membership {
  patch: (...operations: unknown[]) => Promise<Exchange>;
  read: (query?: Record<string, string>) => Promise<Exchange>;
  list: ScimClient;
  data: TestData;
  id: string;
  displayName: string;
  first: string;
  second: string;
}

/** What a membership change is judged by: the GET of the group. Judged only on a server that returns members at all. */
const MEMBERSHIP_RULES = [groupRules.GROUP_ADD_MEMBER, groupRules.GROUP_REMOVE_MEMBER_BY_FILTER, groupRules.GROUP_REPLACE_MEMBERS, groupRules.GROUP_REMOVE_MEMBER_BY_VALUE];
const MEMBERS_NOT_RETURNED = `not judged: the server never returns members (${groupRules.GROUP_MEMBERS_RETURNED.code})`;

/** `from` without what it concluded of `codes`. */
function without(from: CheckRun, codes: ReadonlySet<string>): CheckRun {
  const kept = new CheckRun();
  kept.findings.push(...from.findings.filter((f) => !codes.has(f.code)));
  for (const code of from.checked) if (!codes.has(code)) kept.checked.add(code);
  for (const [code, reason] of from.skipped) if (!codes.has(code)) kept.skipped.set(code, reason);
  return kept;
}

/**
 * The control for a group that never shows a member: a group created with both members, and its
 * GET. Sent only when no membership PATCH and no GET after one showed a member.
 */
async function createdWithMembers({ data, list, first, second }: Membership): Promise<Exchange[]> {
  const creation = await data.create('Groups', { schemas: [GROUP_SCHEMA], displayName: data.name('Groups'), members: [{ value: first }, { value: second }] });
  const id = creation.created?.id;
  return id === undefined ? [creation.exchange] : [creation.exchange, await list.send({ path: groupPath(id) })];
}

/**
 * Membership with two members throughout, so that "removed one" and "removed all" differ, and
 * "added one" and "replaced the list with it" too: add one, add the other, remove the first by
 * filter, replace with both, Entra's "Remove" of the second. Each PATCH answer that carries the
 * group is judged against the GET right after it. A server on which no answer ever shows a member
 * (not a PATCH add, not a group created with members) cannot be judged on membership from outside:
 * that is GROUP_MEMBERS_RETURNED, and the membership rules are skipped. Returns whether members are returned.
 */
async function checkMembership(run: CheckRun, membership: Membership): Promise<boolean> {
  const { patch, read, list, id, displayName, first, second } = membership;
  const rules = groupRules;
  const trial = new CheckRun();
  const seen: Exchange[] = [];
  // `alongside`: reads of the group as the step leaves it, sent beside the GET after the PATCH.
  const step = async (rule: Rule, operation: Record<string, unknown>, expected: string[], what: string, alongside?: () => Promise<void>) => {
    const answer = await patch(operation);
    seen.push(answer);
    if (!checkGroupPatchAnswer(trial, answer, id)) return alongside?.();
    const [after] = await Promise.all([read(), alongside?.()]);
    seen.push(after);
    checkAnswerMatchesRead(trial, answer, after);
    checkMembers(trial, rule, after, expected, what);
  };
  const withoutMembers = async () => {
    const [excluded, listedExcluded] = await Promise.all([
      read({ excludedAttributes: 'members' }),
      list.send({ path: '/Groups', query: { excludedAttributes: 'members', filter: `displayName eq "${displayName}"` } }),
    ]);
    checkMembersExcluded(trial, excluded, listedExcluded, id);
  };
  await step(rules.GROUP_ADD_MEMBER, { op: 'add', path: 'members', value: [{ value: first, display: 'first' }] }, [first], 'add on members');
  await step(rules.GROUP_ADD_MEMBER, { op: 'add', path: 'members', value: [{ value: second, display: 'second' }] }, [first, second], 'a second add on members', withoutMembers);
  await step(rules.GROUP_REMOVE_MEMBER_BY_FILTER, { op: 'remove', path: `members[value eq "${first}"]` }, [second], `remove of members[value eq "${first}"] from two members`);
  await step(rules.GROUP_REPLACE_MEMBERS, { op: 'replace', path: 'members', value: [{ value: first }, { value: second }] }, [first, second], 'replace of members');
  await step(
    rules.GROUP_REMOVE_MEMBER_BY_VALUE,
    { op: 'Remove', path: 'members', value: [{ value: second }] },
    [first],
    `"Remove" of members with value [{"value":"${second}"}] from two members`,
  );
  const control = seen.some(showsMembers) ? [] : await createdWithMembers(membership);
  if (seen.some(showsMembers) || control.some(showsMembers)) {
    run.pass(rules.GROUP_MEMBERS_RETURNED);
    run.merge(trial);
    return true;
  }
  run.fail(rules.GROUP_MEMBERS_RETURNED, {
    got: 'No answer showed a member: not the PATCH adds and replace nor the GET after each, not a group created with two members nor its GET.',
    exchange: control.at(-1) ?? seen.at(-1),
  });
  run.merge(without(trial, new Set(MEMBERSHIP_RULES.map((rule) => rule.code))));
  for (const rule of MEMBERSHIP_RULES) run.skip(rule, MEMBERS_NOT_RETURNED);
  return false;
}

/**
 * Groups: create empty, find by displayName, membership the Okta way (add, remove by filter,
 * replace) and the Entra way (Remove with a value list), excludedAttributes, rename by PATCH and
 * PUT, DELETE.
 */
export const groupFlow = guardedFlow(async ({ client, data }, run) => {
  const rules = groupRules;
  const payloads = [data.user(oktaUserPayload(data.name('Users'))), data.user(oktaUserPayload(data.name('Users')))];
  const displayName = data.name('Groups');
  const find = () => oktaFilter(client, 'Groups', `displayName eq "${displayName}"`);
  // Okta's push: the lookup, then the create of the empty group and its find; the members' creates go beside.
  const pushed = async () => {
    const lookup = await find();
    return { lookup, ...(await data.createWith('Groups', { schemas: [GROUP_SCHEMA], displayName, members: [] }, find)) };
  };
  const [{ lookup, creation, found }, ...users] = await Promise.all([pushed(), ...payloads.map((payload) => data.create('Users', payload))]);
  const members: string[] = [];
  users.forEach((user, index) => {
    checkUserCreated(run, user.exchange, payloads[index] ?? {});
    if (user.created !== undefined) members.push(user.created.id);
  });
  const [first, second] = members;
  checkNothingFound(run, rules.GROUP_FIND_BY_DISPLAY_NAME, lookup);
  const id = checkGroupCreated(run, creation.exchange, displayName) ?? creation.created?.id;
  if (id === undefined || found === undefined) return run;
  checkFoundExactly(run, rules.GROUP_FIND_BY_DISPLAY_NAME, found, id);

  const patch = (...operations: unknown[]) => client.send({ method: 'PATCH', path: groupPath(id), json: patchBody(...operations) });
  const read = (query?: Record<string, string>) => client.send({ path: groupPath(id), ...(query === undefined ? {} : { query }) });

  // Without both members, membership is not judged, and the PUT below is judged on the members it sends.
  const membersReturned = first !== undefined && second !== undefined ? await checkMembership(run, { patch, read, list: client, data, id, displayName, first, second }) : true;

  const patchedName = `${displayName}-renamed`;
  const rename = await patch({ op: 'replace', value: { id, displayName: patchedName } });
  // A refusal is the rename's finding; the answer's form is judged only for a PATCH that worked.
  if (acceptedUpdate(rename)) checkGroupPatchAnswer(run, rename, id);
  checkRenamed(run, rules.GROUP_RENAME_PATCH, rename, await read(), patchedName);

  const putName = `${displayName}-put`;
  const putMembers = first === undefined ? [] : [first];
  const put = await client.send({
    method: 'PUT',
    path: groupPath(id),
    json: { schemas: [GROUP_SCHEMA], id, displayName: putName, members: putMembers.map((value) => ({ value })) },
  });
  // On a server that never returns members, the PUT is judged on its rename alone.
  checkRenamed(run, rules.GROUP_RENAME_PUT, put, await read(), putName, membersReturned ? putMembers : undefined);

  const deletion = await client.send({ method: 'DELETE', path: groupPath(id) });
  const [gone, member] = await Promise.all([read(), first === undefined ? undefined : client.send({ path: userPath(first) })]);
  if (deletion.response !== undefined && deletion.response.status < 300 && gone.response?.status === 404) data.forget(id);
  checkGroupDeleted(run, deletion, gone, member);
  return run;
});

const JUNK_BODY = '{ "acve": tre, "adadfdresses": [ { "coudftry": "Beruda", "type": "work" ], "userName": ';

/** What Entra and Microsoft's collection send that is wrong, and what the server must do with it. */
export const badInputFlow = guardedFlow(
  notOktas(async ({ client, data }, run) => {
    // Labelled with the run prefix, so that a server that wrongly creates it still gets it cleaned up.
    const label = data.name('Users');
    const { userName: _none, ...withoutUserName } = oktaUserPayload(label);
    const [missing, unparseable, stringTrue] = await Promise.all([
      data.create('Users', { ...withoutUserName, externalId: label, displayName: label }, label),
      data.createRaw('Users', JUNK_BODY, data.name('Users')),
      data.create('Users', { ...oktaUserPayload(data.name('Users')), active: 'True' }),
    ]);
    checkMissingUserName(run, missing.exchange);
    checkUnparseableBody(run, unparseable.exchange);
    checkActiveStringTrue(run, stringTrue.exchange);
    const creation = stringTrue.created !== undefined ? stringTrue : await data.createUser();
    const target = creation.created;
    if (target === undefined) return run;

    const current = objectBody(creation.readBack ?? (await client.send({ path: userPath(target.id) })));
    if (current === undefined) return run;
    const { meta: _meta, ...base } = current;
    const unknown = await client.send({
      method: 'PUT',
      path: userPath(target.id),
      json: { ...base, adreses: [{ country: 'Germany', type: 'work', primary: false }] },
    });
    checkUnknownAttribute(run, unknown, 'adreses');
    const wrongEmails = `${target.name.split('@')[0] ?? 'x'}@example.com`;
    checkWrongType(run, await client.send({ method: 'PUT', path: userPath(target.id), json: { ...base, emails: wrongEmails } }), 'emails', wrongEmails);
    return run;
  }),
);

/** Is etag.supported advertised? The reason to skip the ETag checks when it is not. */
export function etagPrecondition(config: Exchange): string | undefined {
  return etagAdvertised(config)
    ? undefined
    : `not advertised: /ServiceProviderConfig does not say "etag": {"supported": true} (it answered ${config.response?.status ?? 'nothing'})`;
}

/** ETag / If-Match / If-None-Match on a user of our own. */
export const etagFlow = guardedFlow(async ({ client, data }, run) => {
  const payload = data.user(oktaUserPayload(data.name('Users')));
  const creation = await data.create('Users', payload);
  const id = creation.created?.id;
  if (id === undefined) {
    checkUserCreated(run, creation.exchange, payload);
    return run;
  }
  const read = creation.readBack ?? (await client.send({ path: userPath(id) }));
  const version = checkEtagMatchesVersion(run, read);
  if (version === undefined) return run;
  checkNotModified(run, await client.send({ path: userPath(id), headers: { 'if-none-match': version } }));

  const patch = await client.send({
    method: 'PATCH',
    path: userPath(id),
    headers: { 'if-match': version },
    json: patchBody({ op: 'replace', path: 'displayName', value: 'Versioned' }),
  });
  if (!checkIfMatchCurrent(run, patch)) return run;
  const after = await client.send({ path: userPath(id) });
  if (!checkVersionChanged(run, version, after)) return run;
  const current = objectBody(after);
  if (current === undefined) return run;
  const { meta: _meta, ...base } = current;
  const stale = await client.send({ method: 'PUT', path: userPath(id), headers: { 'if-match': version }, json: { ...base, displayName: 'Lost update' } });
  checkStaleRefused(run, stale, await client.send({ path: userPath(id) }), 'displayName', 'Versioned');
  return run;
});
