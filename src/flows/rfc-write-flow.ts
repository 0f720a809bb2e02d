/**
 * The RFC rules only a write shows, chained on one user of the run: created with a mixed-case
 * externalId (and, where the server declares the enterprise extension, with "schemas" in the order
 * [enterprise, core]), created again as its full-width twin (a duplicate after PRECIS), made a
 * group's member and PUT and PATCHed with readOnly values (rfc-membership-flow.ts), changed by five
 * PATCHes (whose answers serve as the read-backs), deleted, and its userName created again with a
 * client-chosen id and meta, which one PATCH then gives the extension. A variant that is refused is
 * followed by its control, the plainer request: only then is the variant blamed.
 */
import { randomUUID } from 'node:crypto';
import { acceptedUpdate, isSuccess, listedResources, statusOf, type JsonObject } from '../checks/answers.js';
import {
  checkAddExistingUnchanged,
  checkAtomic,
  checkAttributesAnswer,
  checkSchemasOrder,
  checkSchemasPatch,
  checkCaseExactPreserved,
  checkDeletedNameReusable,
  checkDeletedNotListed,
  checkFilteredValueReplaced,
  checkNoTarget,
  checkNullUnassigns,
  checkPrecisDuplicate,
  checkPrimaryExclusive,
  checkReadOnlyIgnored,
  checkRemoveRequiredRefused,
  checkRemoveUnassigns,
  checkReplaceAbsentAdded,
  ENTERPRISE_URN,
  failReadOnlyRefused,
  fullWidth,
  listsEnterprise,
  refusedOtherwiseThanNoTarget,
  resourceOf,
  rfcWriteRules,
  RFC_WRITE_VALUES,
  showsEnterprise,
  type CreateShown,
} from '../checks/rfc-writes.js';
import { declaredUserSchemas } from '../checks/representation.js';
import type { Rule } from '../checks/rule.js';
import type { CheckRun } from '../checks/run.js';
import { controlAccepted } from '../checks/user-lifecycle.js';
import { describeResponse } from '../diagnose/describe.js';
import type { Exchange } from '../http/exchange.js';
import type { ScimClient } from '../http/client.js';
import { createGroup, membershipChain, removeGroup } from './rfc-membership-flow.js';
import { oktaUserPayload, PATCH_SCHEMA, USER_SCHEMA, type Creation, type TestData } from '../suite/test-data.js';
import { guardedFlow, userPath, type FlowContext } from './write-flows.js';

const rules = rfcWriteRules;
type Operation = Record<string, unknown>;

interface UserSteps {
  id: string;
  patch: (operations: readonly Operation[], query?: Record<string, string>) => Promise<Exchange>;
  read: () => Promise<Exchange>;
}

interface State {
  resource: JsonObject | undefined;
  exchange: Exchange;
}

/**
 * The user after an accepted PATCH: its answer when that carries the user (and shows the change, if
 * `shows` is given: a projected answer that leaves it out is the projection's problem), else a GET.
 */
async function stateAfter(steps: UserSteps, answer: Exchange, shows: (resource: JsonObject) => boolean = () => true): Promise<State> {
  const resource = resourceOf(answer, steps.id);
  if (resource !== undefined && shows(resource)) return { resource, exchange: answer };
  const read = await steps.read();
  return { resource: resourceOf(read, steps.id), exchange: read };
}

/** One operation of a PATCH and the rule a refusal of it alone breaks (none: only later checks need it). */
interface Part {
  operation: Operation;
  rule?: Rule;
  /**
   * The plainer form of the same change, sent when the part alone is refused: refused too, the
   * server refuses the attribute, not the form under test, and the rule is not judged.
   */
  control?: { operation: Operation; what: string };
}

/** A part refused alone: blamed only when its control (if it has one) is accepted. */
async function refusedAlone(run: CheckRun, steps: UserSteps, part: Part, rule: Rule, alone: Exchange): Promise<void> {
  if (part.control === undefined) {
    run.fail(rule, { got: `Sent alone, ${JSON.stringify(part.operation)} was refused: ${describeResponse(alone)}`, exchange: alone });
    return;
  }
  const control = await steps.patch([part.control.operation]);
  if (!controlAccepted(run, rule, control, part.control.what)) return;
  run.fail(rule, {
    got: `Sent alone, ${JSON.stringify(part.operation)} was refused, while the control, ${part.control.what}, was accepted: ${describeResponse(alone)}`,
    exchange: alone,
  });
}

/**
 * Sends the parts as one PATCH; when that is refused, each part alone, so that a refusal is blamed
 * on the operation that causes it. Says which parts took effect.
 */
async function patchParts(run: CheckRun, steps: UserSteps, parts: readonly Part[]): Promise<{ state: State; applied: Set<Part> }> {
  const together = await steps.patch(parts.map((part) => part.operation));
  if (acceptedUpdate(together)) return { state: await stateAfter(steps, together), applied: new Set(parts) };
  const applied = new Set<Part>();
  for (const part of parts) {
    const alone = await steps.patch([part.operation]);
    if (acceptedUpdate(alone)) applied.add(part);
    else if (part.rule !== undefined) await refusedAlone(run, steps, part, part.rule, alone);
  }
  const read = await steps.read();
  return { state: { resource: resourceOf(read, steps.id), exchange: read }, applied };
}

/** The first PATCH asks for attributes=: refused, the same PATCH without it is its control. */
async function firstPatch(run: CheckRun, steps: UserSteps, parts: readonly Part[], shows: (resource: JsonObject) => boolean): Promise<{ state: State; applied: Set<Part> }> {
  const withAttributes = await steps.patch(
    parts.map((part) => part.operation),
    { attributes: 'userName,title,nickName,emails,meta' },
  );
  if (acceptedUpdate(withAttributes)) {
    checkAttributesAnswer(run, withAttributes, steps.id);
    return { state: await stateAfter(steps, withAttributes, shows), applied: new Set(parts) };
  }
  const outcome = await patchParts(run, steps, parts);
  if (outcome.applied.size === parts.length) {
    run.fail(rules.PATCH_ATTRIBUTES_ANSWERS_200, {
      got: `The PATCH with ?attributes= was refused, the same PATCH without it was not: ${describeResponse(withAttributes)}`,
      exchange: withAttributes,
    });
  } else {
    run.skip(rules.PATCH_ATTRIBUTES_ANSWERS_200, `not judged: the same PATCH without ?attributes= was refused too (${statusOf(withAttributes) ?? 'no answer'})`);
  }
  return outcome;
}

/**
 * add title, replace the absent nickName, add a primary email, replace the work email's value by a
 * value filter (with ?attributes=); add the same title
 * again; replace title then a value filter matching nothing; remove userName; remove emails and
 * replace nickName with null.
 */
async function patchChain(run: CheckRun, steps: UserSteps, userName: string): Promise<void> {
  const { nickName, title, atomicTitle } = RFC_WRITE_VALUES;
  const homeEmail = userName.replace('@', '.home@');
  const workEmail = userName.replace('@', '.work@');
  const setTitle: Part = { operation: { op: 'add', path: 'title', value: title } };
  // A server whose schema has no nickName refuses its add as well: that is not this rule.
  const replaceNick: Part = {
    operation: { op: 'replace', path: 'nickName', value: nickName },
    rule: rules.PATCH_REPLACE_ABSENT_ADDS,
    control: { operation: { op: 'add', path: 'nickName', value: nickName }, what: 'the add of the same nickName' },
  };
  const addPrimary: Part = { operation: { op: 'add', path: 'emails', value: [{ value: homeEmail, type: 'home', primary: true }] }, rule: rules.PATCH_PRIMARY_EXCLUSIVE };
  // Refused alone, a value filter path is not judged: RFC 7644 makes no operation support it by a MUST.
  const replaceWork: Part = { operation: { op: 'replace', path: 'emails[type eq "work"].value', value: workEmail } };
  const shows = (user: JsonObject, email: string) => JSON.stringify(user['emails'] ?? null).includes(JSON.stringify(email));
  const showsAll = (user: JsonObject) => user['title'] === title && user['nickName'] === nickName && shows(user, homeEmail) && shows(user, workEmail);
  const first = await firstPatch(run, steps, [setTitle, replaceNick, addPrimary, replaceWork], showsAll);
  const { resource: patched, exchange: shown } = first.state;
  if (patched === undefined) {
    for (const rule of [rules.PATCH_REPLACE_ABSENT_ADDS, rules.PATCH_PRIMARY_EXCLUSIVE, rules.PATCH_REPLACE_FILTERED_VALUE])
      run.skip(rule, `not judged: the user could not be read after the PATCH: ${describeResponse(shown)}`);
  } else {
    if (first.applied.has(replaceNick)) checkReplaceAbsentAdded(run, patched, shown);
    if (first.applied.has(addPrimary)) checkPrimaryExclusive(run, patched, shown, homeEmail);
    if (first.applied.has(replaceWork)) checkFilteredValueReplaced(run, patched, shown, { work: workEmail, home: first.applied.has(addPrimary) ? homeEmail : undefined });
    else run.skip(rules.PATCH_REPLACE_FILTERED_VALUE, 'not judged: the replace of emails[type eq "work"].value was refused when sent alone');
  }

  if (patched !== undefined && first.applied.has(setTitle)) {
    const again = await steps.patch([setTitle.operation]);
    const after = acceptedUpdate(again) ? await stateAfter(steps, again) : undefined;
    checkAddExistingUnchanged(run, patched, again, after?.resource, after?.exchange ?? again);
  } else {
    for (const rule of [rules.PATCH_ADD_EXISTING_ACCEPTED, rules.PATCH_ADD_EXISTING_KEEPS_MODIFIED]) run.skip(rule, 'not judged: the title could not be set first');
  }

  const failing = await steps.patch([
    { op: 'replace', path: 'title', value: atomicTitle },
    // Not eq: Entra replaces emails[type eq "work"].value on a user without one and expects an add.
    { op: 'replace', path: 'emails[type sw "scimc-none"].value', value: 'other@example.com' },
  ]);
  // Refused otherwise than noTarget: the same filter matching the work email tells "no match" from
  // "filter not supported" (better-auth takes only `type eq` in a PATCH path).
  const matching = refusedOtherwiseThanNoTarget(failing) ? await steps.patch([{ op: 'replace', path: 'emails[type sw "work"].value', value: userName }]) : undefined;
  checkNoTarget(run, failing, matching);
  checkRemoveRequiredRefused(run, await steps.patch([{ op: 'remove', path: 'userName' }]));

  const removeEmails: Part = { operation: { op: 'remove', path: 'emails' }, rule: rules.PATCH_REMOVE_UNASSIGNS };
  const nullNick: Part = { operation: { op: 'replace', path: 'nickName', value: null }, rule: rules.PATCH_NULL_UNASSIGNS };
  const last = await patchParts(run, steps, first.applied.has(replaceNick) ? [removeEmails, nullNick] : [removeEmails]);
  if (!first.applied.has(replaceNick)) run.skip(rules.PATCH_NULL_UNASSIGNS, 'not judged: nickName could not be set first (PATCH_REPLACE_ABSENT_ADDS)');
  const { resource, exchange } = last.state;
  if (resource === undefined) {
    for (const rule of [rules.PATCH_ATOMIC, rules.PATCH_REMOVE_UNASSIGNS, rules.PATCH_NULL_UNASSIGNS])
      run.skip(rule, `not judged: the user could not be read: ${describeResponse(exchange)}`);
    return;
  }
  if (first.applied.has(setTitle)) checkAtomic(run, failing, resource, exchange);
  else run.skip(rules.PATCH_ATOMIC, 'not judged: the title the refused PATCH would change could not be set first');
  if (last.applied.has(removeEmails)) checkRemoveUnassigns(run, resource, exchange);
  if (last.applied.has(nullNick)) checkNullUnassigns(run, resource, exchange);
}

/**
 * A create carrying a client-chosen id (a fresh random GUID, never one seen on the server) and a
 * made-up meta; refused, the same create without them is its control. Returns the create that
 * decides whether the name was free.
 */
async function createWithClientReadOnly(run: CheckRun, data: TestData, userName: string): Promise<Creation> {
  const clientId = randomUUID();
  const sent = await data.create('Users', { ...oktaUserPayload(userName), id: clientId, meta: { ...RFC_WRITE_VALUES.clientMeta } });
  if (isSuccess(sent.exchange)) {
    checkReadOnlyIgnored(run, sent.exchange, clientId);
    return sent;
  }
  const control = await data.create('Users', oktaUserPayload(userName));
  if (isSuccess(control.exchange)) failReadOnlyRefused(run, sent.exchange);
  else run.skip(rules.RESOURCE_READONLY_IGNORED_ON_CREATE, `not judged: the same create without id and meta was refused too: ${describeResponse(control.exchange)}`);
  return control;
}

/**
 * The run's user's userName with its letters after the run prefix in full width, and its own email
 * and externalId (ASCII, so that only the userName can clash). Created, the exact duplicate is the
 * control.
 */
async function precisDuplicate(run: CheckRun, data: TestData, userName: string): Promise<void> {
  const twinName = `${data.prefix}${fullWidth(userName.slice(data.prefix.length).split('@')[0] ?? '')}@${userName.split('@')[1] ?? ''}`;
  const ascii = userName.replace('@', '.precis@');
  const twin = await data.create('Users', { ...oktaUserPayload(twinName), emails: [{ primary: true, value: ascii, type: 'work' }], externalId: ascii.split('@')[0] });
  const control = isSuccess(twin.exchange) ? await data.create('Users', { ...oktaUserPayload(userName), externalId: `${ascii.split('@')[0] ?? ''}-exact` }) : undefined;
  checkPrecisDuplicate(run, twin.exchange, control?.exchange);
}

/**
 * DELETE, then a read (404: gone) beside the filter for its userName, then the userName created
 * again (returned). `afterDeletion` starts once the DELETE is answered, and is awaited too.
 */
async function deletionChain(run: CheckRun, client: ScimClient, data: TestData, id: string, userName: string, afterDeletion: () => Promise<void>): Promise<Creation> {
  const deletion = await client.send({ method: 'DELETE', path: userPath(id) });
  const alongside = afterDeletion();
  const [after, query] = isSuccess(deletion)
    ? await Promise.all([client.send({ path: userPath(id) }), client.send({ path: '/Users', query: { filter: `userName eq "${userName}"` } })])
    : [undefined, undefined];
  const gone = after !== undefined && statusOf(after) === 404;
  if (gone) {
    data.forget(id);
    checkDeletedNotListed(run, query ?? after, id);
  } else {
    const why = `not judged: the user was not deleted (${describeResponse(after ?? deletion)})`;
    for (const rule of [rules.USER_DELETED_NOT_LISTED, rules.USER_DELETED_NAME_REUSABLE]) run.skip(rule, why);
  }
  const [creation] = await Promise.all([createWithClientReadOnly(run, data, gone ? userName : data.name('Users')), alongside]);
  if (gone) checkDeletedNameReusable(run, creation.exchange);
  return creation;
}

const mixedCaseId = (userName: string) => `${userName.split('@')[0] ?? userName}-MixedCase`;
const runUserPayload = (userName: string) => ({ ...oktaUserPayload(userName), externalId: mixedCaseId(userName) });
const withEnterprise = (body: Record<string, unknown>, schemas: readonly string[]) => ({ ...body, schemas, [ENTERPRISE_URN]: { employeeNumber: RFC_WRITE_VALUES.employeeNumber } });

/** A create and the user it shows: its answer, or, when that lacks the extension, the write guard's read-back. */
function shownBy(creation: Creation): CreateShown {
  const id = creation.created?.id;
  if (id === undefined) return { exchange: creation.exchange, user: undefined };
  const answer = creation.resource?.['id'] === id ? creation.resource : undefined;
  const read = resourceOf(creation.readBack, id);
  return { exchange: creation.exchange, user: showsEnterprise(answer) ? answer : (read ?? answer) };
}

/**
 * The run's user. Where the server declares the enterprise extension it is created with "schemas"
 * in the order [enterprise, core] and an employeeNumber; not shown so, the same create in the usual
 * order is the control (RESOURCE_SCHEMAS_ORDER_IGNORED). The run's user is the first of them that
 * was created, else a plain create. `withExtension`: the create that shows the extension best, the
 * control of PATCH_SCHEMAS_THEN_EXTENSION.
 */
async function createRunUser(
  run: CheckRun,
  data: TestData,
  userName: string,
  extensionNotOffered: string | undefined,
): Promise<{ creation: Creation; withExtension?: CreateShown }> {
  const plain = runUserPayload(userName);
  if (extensionNotOffered !== undefined) {
    for (const rule of EXTENSION_RULES) run.skip(rule, extensionNotOffered);
    return { creation: await data.create('Users', plain) };
  }
  const reversed = await data.create('Users', withEnterprise(plain, [ENTERPRISE_URN, USER_SCHEMA]));
  const reversedShown = shownBy(reversed);
  if (showsEnterprise(reversedShown.user)) {
    checkSchemasOrder(run, reversedShown);
    return { creation: reversed, withExtension: reversedShown };
  }
  const normal = await data.create('Users', withEnterprise(runUserPayload(reversed.created === undefined ? userName : data.name('Users')), [USER_SCHEMA, ENTERPRISE_URN]));
  const normalShown = shownBy(normal);
  checkSchemasOrder(run, reversedShown, normalShown);
  const withExtension = showsEnterprise(normalShown.user) ? normalShown : reversedShown;
  if (reversed.created !== undefined) return { creation: reversed, withExtension };
  return { creation: normal.created !== undefined ? normal : await data.create('Users', plain), withExtension };
}

/**
 * One PATCH of the userName created again (a user created without the extension): the enterprise URN
 * added to "schemas", then its employeeNumber by its full path. Refused, the add to "schemas" alone
 * is sent, one of the rule's controls (see checkSchemasPatch).
 */
async function schemasPatch(run: CheckRun, client: ScimClient, again: Creation, created: CreateShown): Promise<void> {
  const rule = rules.PATCH_SCHEMAS_THEN_EXTENSION;
  const id = again.created?.id;
  if (id === undefined) {
    run.skip(rule, `not sent: the user without the extension could not be created: ${describeResponse(again.exchange)}`);
    return;
  }
  if (listsEnterprise(again.resource)) {
    run.skip(rule, 'not judged: the user created without the extension already lists it in "schemas", so no operation would change "schemas"');
    return;
  }
  const steps = userSteps(client, id);
  const addSchemas = { op: 'add', path: 'schemas', value: [ENTERPRISE_URN] };
  const patch = await steps.patch([addSchemas, { op: 'add', path: `${ENTERPRISE_URN}:employeeNumber`, value: RFC_WRITE_VALUES.employeeNumber }]);
  const after = acceptedUpdate(patch) ? await stateAfter(steps, patch, showsEnterprise) : undefined;
  const schemasAlone = after === undefined && showsEnterprise(created.user) ? await steps.patch([addSchemas]) : undefined;
  checkSchemasPatch(run, patch, after, { created, schemasAlone });
}

export const RFC_WRITE_RULES: readonly Rule[] = Object.values(rfcWriteRules);
const PATCH_RULES: readonly Rule[] = RFC_WRITE_RULES.filter((rule) => rule.code.startsWith('PATCH_'));
/** The rules judged only where the server declares the enterprise extension on User. */
export const EXTENSION_RULES: readonly Rule[] = [rules.RESOURCE_SCHEMAS_ORDER_IGNORED, rules.PATCH_SCHEMAS_THEN_EXTENSION];

/**
 * Why the extension rules are not judged: GET /ResourceTypes (read once for the run) does not
 * declare the enterprise extension on the User resource type. Undefined when it does.
 */
export function enterpriseAbsence(resourceTypes: Exchange): string | undefined {
  const types = listedResources(resourceTypes);
  const declared = types === undefined ? undefined : declaredUserSchemas(types);
  if (declared?.allowed.some((urn) => urn.toLowerCase() === ENTERPRISE_URN.toLowerCase()) === true) return undefined;
  const what =
    declared === undefined ? `shows no User resource type (${describeResponse(resourceTypes)})` : `declares no enterprise extension (${ENTERPRISE_URN}) on the User resource type`;
  return `not offered: GET /ResourceTypes ${what}`;
}

export interface RfcWriteOptions {
  /** Why PATCH is not offered (patch.supported is not true): its rules are skipped, no PATCH is sent. */
  patchNotOffered?: string | undefined;
  /** Why the server offers no Groups: the rules that need the run's group are skipped, no group is created. */
  groupsNotOffered?: string | undefined;
  /** Why the enterprise extension is not offered (enterpriseAbsence): its rules are skipped, no request carries it. */
  extensionNotOffered?: string | undefined;
}

function userSteps(client: ScimClient, id: string): UserSteps {
  const patchBody = (operations: readonly Operation[]) => ({ schemas: [PATCH_SCHEMA], Operations: operations });
  return {
    id,
    patch: (operations, query) => client.send({ method: 'PATCH', path: userPath(id), json: patchBody(operations), ...(query === undefined ? {} : { query }) }),
    read: () => client.send({ path: userPath(id) }),
  };
}

/** The PATCH rules are judged only on a server that advertises PATCH, as a client would use it. */
export function rfcWriteFlow(options: RfcWriteOptions = {}): (context: FlowContext) => Promise<CheckRun> {
  return guardedFlow(async ({ client, data }, run) => {
    const userName = data.name('Users');
    const { creation, withExtension } = await createRunUser(run, data, userName, options.extensionNotOffered);
    const id = creation.created?.id;
    if (id === undefined) {
      for (const rule of RFC_WRITE_RULES) if (!run.checked.has(rule.code)) run.skip(rule, `not sent: the run's user could not be created: ${describeResponse(creation.exchange)}`);
      return run;
    }
    const externalId = mixedCaseId(userName);
    checkCaseExactPreserved(run, creation.exchange, externalId);
    // The full-width twin beside the group's create: neither reads what the other writes. The
    // root query (membershipChain) comes after the twin, which a server without PRECIS may list.
    const [, group] = await Promise.all([precisDuplicate(run, data, userName), createGroup(run, { client, data }, id, options)]);
    await membershipChain(run, { client, data }, { id, userName, externalId }, options, group);
    if (options.patchNotOffered === undefined) await patchChain(run, userSteps(client, id), userName);
    else for (const rule of PATCH_RULES) run.skip(rule, options.patchNotOffered);
    // The group goes once its member is deleted, beside the rest of the chain.
    const again = await deletionChain(run, client, data, id, userName, async () => {
      if (group !== undefined) await removeGroup({ client, data }, group.id);
    });
    if (withExtension !== undefined && options.patchNotOffered === undefined) await schemasPatch(run, client, again, withExtension);
    return run;
  }, RFC_WRITE_RULES);
}
