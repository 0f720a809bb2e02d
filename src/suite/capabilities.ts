/**
 * What the server offers, as a client finds out: a server without Groups is judged by what Okta and
 * Entra then do (an admin does not switch on group push for an app that has no groups), so every
 * check of a group flow is skipped with the reason, and the flows are "not offered", never broken.
 */
import { jsonValue, listedResources, objectBody, statusOf } from '../checks/answers.js';
import { LIST_RESPONSE_URN } from '../checks/list-response.js';
import type { Rule } from '../checks/rule.js';
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
