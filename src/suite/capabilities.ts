/**
 * What the server offers, as a client finds out: a server without Groups is judged by what Okta and
 * Entra then do (an admin does not switch on group push for an app that has no groups), so every
 * check of a group flow is skipped with the reason, and the flows are "not offered", never broken.
 * A server without PATCH is judged so too: the RFC makes PATCH optional, so for the RFC its PATCH
 * checks are "not offered"; Okta and Entra do send PATCH, so for them it is one blocker,
 * PATCH_IMPLEMENTED, under which every PATCH answered 405 or 501 folds (src/report/causes.ts).
 */
import type { Client } from '../config.js';
import { jsonValue, listedResources, objectBody, statusOf } from '../checks/answers.js';
import { advertised, type Features, type PatchProbe } from '../checks/discovery.js';
import { LIST_RESPONSE_URN } from '../checks/list-response.js';
import { defineRules, levelFor, type Finding, type Rule } from '../checks/rule.js';
import { CheckRun } from '../checks/run.js';
import { describeResponse } from '../diagnose/describe.js';
import type { Exchange } from '../http/exchange.js';
import { GROUP_SCHEMA } from './test-data.js';

/** Answers that say there is no such endpoint: 404 (no route) and 501 (not implemented). */
const NO_ENDPOINT = new Set([404, 501]);

/**
 * The reads that tell, made once for the run (src/suite/shared-reads.ts): Okta's connection probe
 * GET /Users?startIndex=1&count=2 (the preflight's), GET /ResourceTypes and GET /Groups.
 */
export interface GroupsEvidence {
  users: Exchange;
  resourceTypes: Exchange;
  groups: Exchange;
}

/**
 * Does GET /Users answer a ListResponse? Only then does a /Groups that is not there say something
 * of Groups: behind a wrong Base URL (a web page, /scim/v2/Users, a path that 404s everywhere)
 * /Groups is missing for the same reason /Users is.
 */
function usersListed(users: Exchange): boolean {
  const body = statusOf(users) === 200 ? objectBody(users) : undefined;
  if (body === undefined) return false;
  const schemas = body['schemas'];
  return (Array.isArray(schemas) && schemas.includes(LIST_RESPONSE_URN)) || Array.isArray(body['Resources']) || typeof body['totalResults'] === 'number';
}

/**
 * Why the group checks are not judged because /Users does not work either, or undefined when it
 * works. "not checked:" makes it a skip behind an earlier cause: the connection checks name it.
 */
export function usersNotListed({ users }: Pick<GroupsEvidence, 'users'>): string | undefined {
  if (usersListed(users)) return undefined;
  return `not checked: whether the server offers Groups cannot be told while GET /Users does not answer a ListResponse (${describeResponse(users)}); the connection checks name the cause`;
}

/** The resource types /ResourceTypes lists (a ListResponse, or the bare array some servers send), or undefined when it lists none we can read. */
function listedTypes(exchange: Exchange): Array<Record<string, unknown>> | undefined {
  if (statusOf(exchange) !== 200) return undefined;
  const listed = listedResources(exchange);
  if (listed !== undefined) return listed;
  const value = jsonValue(exchange);
  return Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null) : undefined;
}

function isGroupType(type: Record<string, unknown>): boolean {
  const endpoint = typeof type['endpoint'] === 'string' ? type['endpoint'].replace(/\/+$/, '').toLowerCase() : '';
  return endpoint === '/groups' || type['schema'] === GROUP_SCHEMA || type['name'] === 'Group';
}

/**
 * Why the server does not offer Groups, or undefined when it does or when that cannot be told. Only
 * while GET /Users answers a ListResponse: then /Groups answering 404 or 501 says there are none,
 * and so does a /ResourceTypes that lists resource types but no Group, unless /Groups answers 200
 * all the same (a client would use it: what /ResourceTypes says against what the server does is the
 * discovery checks' to judge).
 */
export function groupsAbsence({ users, resourceTypes, groups }: GroupsEvidence): string | undefined {
  if (!usersListed(users)) return undefined;
  const status = statusOf(groups);
  if (status !== undefined && NO_ENDPOINT.has(status)) return `the server does not offer Groups: GET /Groups answered ${status} while GET /Users works`;
  const types = listedTypes(resourceTypes);
  if (types === undefined || types.length === 0 || types.some(isGroupType) || status === 200) return undefined;
  const names = types.map((type) => (typeof type['name'] === 'string' ? type['name'] : '?')).join(', ');
  return `the server does not offer Groups: GET /ResourceTypes lists no Group resource type (only ${names}), and GET /Groups answered ${status ?? 'nothing'}`;
}

/**
 * Why the group checks are not sent: the server does not offer Groups ("not offered"), or /Users
 * does not work either ("not checked", behind the connection checks' cause); undefined to send them.
 */
export function groupsWithheld(evidence: GroupsEvidence): string | undefined {
  return usersNotListed(evidence) ?? groupsAbsence(evidence);
}

/** A run in which each rule is skipped for `reason`: what a check of an absent feature returns. */
export function skippedRun(rules: readonly Rule[], reason: string): CheckRun {
  const run = new CheckRun();
  for (const rule of rules) run.skip(rule, reason);
  return run;
}

export const capabilityRules = defineRules({
  PATCH_IMPLEMENTED: {
    title: 'the server implements PATCH, with which Okta deactivates and Entra updates users',
    requiredBy: { okta: 'MUST', entra: 'MUST' },
    source:
      'SCIM-CLIENTS.md, Okta: OIN apps use PATCH for activate, deactivate and password (anchors/Okta-SCIM-20-CRUD-Test.json deactivates and reactivates); SCIM-CLIENTS.md, Entra: every update and the soft delete are a PATCH. Not an RFC rule: RFC 7644 §3.5.2 "HTTP PATCH is an OPTIONAL server function"',
    requirement: 'The plainest PATCH, {"op":"replace","path":"displayName"} on a user, is not answered 405 Method Not Allowed or 501 Not Implemented.',
    fix: 'Implement PATCH as RFC 7644 §3.5.2 defines it and advertise "patch": {"supported": true}: Okta\'s OIN apps deactivate, reactivate and push passwords with it, and Entra sends every update and soft delete as a PATCH.',
  },
});

/** Answers that say a method is not there: 405 Method Not Allowed, 501 Not Implemented. */
const NO_METHOD = new Set([405, 501]);

/** A PATCH answered 405 or 501: the server has no PATCH, whatever the operation was. */
export function patchUnimplemented(exchange: Exchange | undefined): boolean {
  const status = exchange?.response?.status;
  return exchange?.request.method === 'PATCH' && status !== undefined && NO_METHOD.has(status);
}

/** PATCH_IMPLEMENTED, judged on the plainest PATCH (or skipped with the reason it was not sent). */
export function checkPatchImplemented(features: Features, probe: PatchProbe | string): CheckRun {
  const run = new CheckRun();
  const rule = capabilityRules.PATCH_IMPLEMENTED;
  if (typeof probe === 'string') return skippedRun([rule], probe);
  const offer = advertised(features, 'patch');
  run.expect(rule, !patchUnimplemented(probe.patch), () => ({
    got: `${describeResponse(probe.patch)}; ${offer.supported ? 'yet the ServiceProviderConfig advertises patch.supported true' : `as the ServiceProviderConfig says: ${offer.reason}`}`,
    exchange: probe.patch,
  }));
  return run;
}

/**
 * Why the PATCH checks are not the RFC's on this server, or undefined: its ServiceProviderConfig
 * does not advertise PATCH and it answered `answer` (a PATCH) 405 or 501. RFC 7644 §3.5.2 makes
 * PATCH optional; a server that says it has none and has none is within the RFC.
 */
export function patchNotOffered(features: Features, answer: Exchange | undefined): string | undefined {
  const offer = advertised(features, 'patch');
  if (offer.supported || !patchUnimplemented(answer)) return undefined;
  return `the server does not offer PATCH, which this check sends: ${offer.reason}, and PATCH answered ${statusOf(answer as Exchange) ?? 'nothing'} (RFC 7644 §3.5.2: PATCH is OPTIONAL)`;
}

/** The finding without the RFC's level: what the RFC makes optional is still a client's need. */
function withoutRfc(found: Finding): Finding {
  const { rfc, ...clients } = found.requiredBy;
  if (rfc === undefined) return found;
  return { ...found, requiredBy: clients, requirement: `${found.requirement} (Not judged for the RFC: RFC 7644 §3.5.2 makes PATCH optional, and this server does not offer it.)` };
}

/**
 * A write flow's checks on a server that does not offer PATCH (see patchNotOffered). A finding made
 * of a PATCH answered 405 or 501 is kept for Okta and Entra, which send PATCH, without the RFC's
 * level; a rule no selected profile then needs is skipped as not offered, and so is every rule of
 * `rules` the flow could not judge once its PATCH was refused. Elsewhere the run is as it was.
 */
export function withPatchNotOffered(run: CheckRun, rules: readonly Rule[], features: Features, profiles: readonly Client[]): CheckRun {
  const refused = run.findings.find((found) => patchNotOffered(features, found.exchange) !== undefined);
  const reason = refused === undefined ? undefined : patchNotOffered(features, refused.exchange);
  if (reason === undefined) return run;
  const folded = new CheckRun();
  const dropped = new Set<string>();
  for (const found of run.findings) {
    const kept = patchUnimplemented(found.exchange) ? withoutRfc(found) : found;
    if (levelFor(kept, profiles) === undefined) dropped.add(found.code);
    else folded.findings.push(kept);
  }
  const stillFound = new Set(folded.findings.map((found) => found.code));
  for (const code of run.checked) if (!dropped.has(code) || stillFound.has(code)) folded.checked.add(code);
  for (const [code, why] of run.skipped) folded.skipped.set(code, why);
  for (const rule of rules) if (!folded.checked.has(rule.code) && !folded.skipped.has(rule.code)) folded.skip(rule, reason);
  return folded;
}
