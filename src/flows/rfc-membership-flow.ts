/**
 * The readOnly half of the RFC write flow, on the run's own user: a group of the run with that user
 * as its member (what its answer, the member's $ref and the user's groups show), a query on the
 * server root, a PUT carrying meta and "groups": [], and a PATCH that removes groups. The group is
 * deleted again at the end; everything written to is the run's own.
 */
import { acceptedUpdate, listedResources, memberIdsOf, objectBody, type JsonObject } from '../checks/answers.js';
import {
  checkExternalIdNotInvented,
  checkPatchReadOnlyRefused,
  checkPutGroupsIgnored,
  checkPutMetaIgnored,
  checkReferenceResolves,
  checkRootQuery,
  checkUserGroups,
  failPutRefused,
  listsExactly,
  listsGroup,
  memberRefOf,
  NO_USER_GROUPS,
  referenceUrl,
  resourceOf,
  rfcWriteRules,
  RFC_WRITE_VALUES,
  showsGroups,
} from '../checks/rfc-writes.js';
import { DOES_NOT_APPLY, type CheckRun } from '../checks/run.js';
import { describeResponse } from '../diagnose/describe.js';
import { WriteGuardRefusal } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { GROUP_SCHEMA, oktaUserPayload, PATCH_SCHEMA } from '../suite/test-data.js';
import { groupPath, userPath, type FlowContext } from './write-flows.js';

const rules = rfcWriteRules;

/** The run's user, as it was created. */
export interface RunUser {
  id: string;
  userName: string;
  externalId: string;
}

export interface MembershipOptions {
  /** Why the server offers no Groups: the rules that need the run's group are skipped with it. */
  groupsNotOffered?: string | undefined;
  /** Why PATCH is not offered: PATCH_READONLY_REFUSED is skipped with it. */
  patchNotOffered?: string | undefined;
}

/** The rules that need the run's group with the user as its member. */
export const GROUP_MEMBER_RULES = [
  rules.RESOURCE_EXTERNAL_ID_NOT_INVENTED,
  rules.RESOURCE_REFERENCE_RESOLVES,
  rules.USER_GROUPS_ARE_GROUP_IDS,
  rules.PUT_GROUPS_IGNORED,
  rules.PATCH_READONLY_REFUSED,
];

export interface RunGroup {
  id: string;
  /** The create's answer, when it was the group. */
  resource: JsonObject | undefined;
}

/** What the member user's read showed: the user, and whether its groups names the group. */
interface MemberView {
  user: JsonObject | undefined;
  listed: boolean;
}

/**
 * A group of the run (created without externalId) with the user as its only member; undefined, its
 * rules skipped, when the server offers no Groups or the create failed.
 */
export async function createGroup(run: CheckRun, { data }: FlowContext, userId: string, options: MembershipOptions): Promise<RunGroup | undefined> {
  if (options.groupsNotOffered !== undefined) {
    for (const rule of GROUP_MEMBER_RULES) run.skip(rule, options.groupsNotOffered);
    return undefined;
  }
  const creation = await data.create('Groups', { schemas: [GROUP_SCHEMA], displayName: data.name('Groups'), members: [{ value: userId }] });
  const id = creation.created?.id;
  if (id === undefined) {
    for (const rule of GROUP_MEMBER_RULES) run.skip(rule, `not sent: the run's group could not be created: ${describeResponse(creation.exchange)}`);
    return undefined;
  }
  checkExternalIdNotInvented(run, creation.exchange);
  return { id, resource: creation.resource };
}

/**
 * One read of the member: by the $ref the group's answer gave it when that lies under the base URL
 * (the $ref is judged, with the read by id as its control when it fails), else by id.
 */
async function readMember(run: CheckRun, { client }: FlowContext, userId: string, group: RunGroup): Promise<MemberView> {
  const ref = memberRefOf(group.resource, userId);
  const url = ref === undefined ? undefined : referenceUrl(client.baseUrl, ref);
  if (ref === undefined) run.skip(rules.RESOURCE_REFERENCE_RESOLVES, `${DOES_NOT_APPLY}the group's answer shows no $ref for its member, which RFC 7643 §4.2 does not require`);
  else if (url === undefined)
    run.skip(rules.RESOURCE_REFERENCE_RESOLVES, `not sent: the member's $ref ${JSON.stringify(ref)} lies outside the SCIM base URL, and the token goes nowhere else`);
  let read = await client.send({ path: url ?? userPath(userId) });
  if (url !== undefined) {
    const control = resourceOf(read, userId) === undefined ? await client.send({ path: userPath(userId) }) : undefined;
    checkReferenceResolves(run, read, userId, control);
    read = control ?? read;
  }
  const user = resourceOf(read, userId);
  if (user === undefined) {
    run.skip(rules.USER_GROUPS_ARE_GROUP_IDS, `not judged: the member user could not be read: ${describeResponse(read)}`);
    return { user, listed: false };
  }
  return { user, listed: checkUserGroups(run, user, read, group.id) };
}

/** GET {base}?filter=userName eq "…"; a list that is not just the user is compared with the same filter on /Users. */
async function rootQuery(run: CheckRun, { client }: FlowContext, user: RunUser): Promise<void> {
  const query = { filter: `userName eq "${user.userName}"` };
  const root = await client.send({ path: '', query });
  const control = listedResources(root) !== undefined && !listsExactly(root, user.id) ? await client.send({ path: '/Users', query }) : undefined;
  checkRootQuery(run, root, user.id, control);
}

/** Whether the user is still the group's member after the PUT: its answer's groups, else the group itself. */
async function stillMember(
  { client }: FlowContext,
  state: { resource: JsonObject; exchange: Exchange },
  userId: string,
  groupId: string,
): Promise<{ member: boolean; exchange: Exchange }> {
  if (listsGroup(state.resource, groupId)) return { member: true, exchange: state.exchange };
  const group = await client.send({ path: groupPath(groupId) });
  return { member: memberIdsOf(objectBody(group)).includes(userId), exchange: group };
}

/**
 * The PUT with a made-up meta (and, when the user is a member, "groups": []). Refused, the same PUT
 * without groups, then without meta too, tells which of them the server refused. Returns the
 * accepted PUT, or undefined when none was (its rules are then judged or skipped here).
 */
async function acceptedPut(run: CheckRun, { client, data }: FlowContext, user: RunUser, judgesGroups: boolean): Promise<{ put: Exchange; groupsJudged: boolean } | undefined> {
  const { groups: _groups, ...plain } = data.user({ ...oktaUserPayload(user.userName), externalId: user.externalId });
  const withMeta = { ...plain, id: user.id, meta: { ...RFC_WRITE_VALUES.clientMeta } };
  const put = (json: JsonObject) => client.send({ method: 'PUT', path: userPath(user.id), json });
  const first = await put(judgesGroups ? { ...withMeta, groups: [] } : withMeta);
  if (acceptedUpdate(first)) return { put: first, groupsJudged: false };
  const withoutGroups = judgesGroups ? await put(withMeta) : first;
  if (judgesGroups && acceptedUpdate(withoutGroups)) {
    failPutRefused(run, rules.PUT_GROUPS_IGNORED, first, '"groups": []');
    return { put: withoutGroups, groupsJudged: true };
  }
  const control = await put(plain);
  if (acceptedUpdate(control)) failPutRefused(run, rules.PUT_META_IGNORED, withoutGroups, 'a made-up meta');
  const why = acceptedUpdate(control)
    ? 'not judged: the PUT with meta was refused'
    : `not judged: the same PUT without meta and groups was refused too: ${describeResponse(control)}`;
  for (const rule of [rules.PUT_META_IGNORED, rules.PUT_GROUPS_IGNORED]) run.skip(rule, why);
  return undefined;
}

/** PUT the user as it was created, with readOnly values: meta and groups must be ignored. */
async function putReadOnly(run: CheckRun, context: FlowContext, user: RunUser, group: RunGroup | undefined, memberBefore: boolean): Promise<void> {
  const accepted = await acceptedPut(run, context, user, group !== undefined && memberBefore);
  if (accepted === undefined) return;
  const answered = resourceOf(accepted.put, user.id);
  const read = answered === undefined ? await context.client.send({ path: userPath(user.id) }) : accepted.put;
  const resource = answered ?? resourceOf(read, user.id);
  if (resource === undefined) {
    for (const rule of [rules.PUT_META_IGNORED, rules.PUT_GROUPS_IGNORED]) run.skip(rule, `not judged: the user could not be read after the PUT: ${describeResponse(read)}`);
    return;
  }
  checkPutMetaIgnored(run, resource, read);
  if (group === undefined || accepted.groupsJudged) return;
  if (!memberBefore) {
    run.skip(rules.PUT_GROUPS_IGNORED, 'not judged: neither the group nor the user was shown with the membership before the PUT');
    return;
  }
  const after = await stillMember(context, { resource, exchange: read }, user.id, group.id);
  checkPutGroupsIgnored(run, after.member, after.exchange);
}

/**
 * DELETE the group, and forget it when a GET then answers 404; otherwise (the guard refusing it too,
 * should the server have given it a member that is not the run's) the cleanup tries again and reports it.
 */
export async function removeGroup({ client, data }: FlowContext, groupId: string): Promise<void> {
  const deletion = await client.send({ method: 'DELETE', path: groupPath(groupId) }).catch((error: unknown) => {
    if (error instanceof WriteGuardRefusal) return undefined;
    throw error;
  });
  if (deletion === undefined) return;
  if (!acceptedUpdate(deletion) && deletion.response?.status !== 404) return;
  const after = await client.send({ path: groupPath(groupId) });
  if (after.response?.status === 404) data.forget(groupId);
}

/**
 * On the group createGroup made: its member beside the root query, then the PUT and the PATCH of
 * readOnly attributes. The group stays: the caller removes it (removeGroup).
 */
export async function membershipChain(run: CheckRun, context: FlowContext, user: RunUser, options: MembershipOptions, group: RunGroup | undefined): Promise<void> {
  const [view] = await Promise.all([group === undefined ? { user: undefined, listed: false } : readMember(run, context, user.id, group), rootQuery(run, context, user)]);
  const memberBefore = view.listed || (group !== undefined && memberIdsOf(group.resource).includes(user.id));
  await putReadOnly(run, context, user, group, memberBefore);
  if (group !== undefined) {
    if (options.patchNotOffered !== undefined) run.skip(rules.PATCH_READONLY_REFUSED, options.patchNotOffered);
    else if (view.user !== undefined && !showsGroups(view.user)) run.skip(rules.PATCH_READONLY_REFUSED, NO_USER_GROUPS);
    else if (!view.listed) run.skip(rules.PATCH_READONLY_REFUSED, 'not judged: the user was not shown with the group among its groups, so there is no groups value to remove');
    else {
      const body = { schemas: [PATCH_SCHEMA], Operations: [{ op: 'remove', path: 'groups' }] };
      checkPatchReadOnlyRefused(run, await context.client.send({ method: 'PATCH', path: userPath(user.id), json: body }));
    }
  }
}
