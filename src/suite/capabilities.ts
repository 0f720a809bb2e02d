/**
 * What the server offers, as a client finds out: a server without Groups is judged by what Okta and
 * Entra then do (an admin does not switch on group push for an app that has no groups), so every
 * check of a group flow is skipped with the reason, and the flows are "not offered", never broken.
 */
import { jsonValue, listedResources, statusOf } from '../checks/answers.js';
import type { Rule } from '../checks/rule.js';
import { CheckRun } from '../checks/run.js';
import type { Exchange } from '../http/exchange.js';
import { GROUP_SCHEMA } from './test-data.js';

/** Answers that say there is no such endpoint: 404 (no route) and 501 (not implemented). */
const NO_ENDPOINT = new Set([404, 501]);

/** The reads that tell: GET /ResourceTypes and GET /Groups?startIndex=1&count=1, made once for the run (src/suite/shared-reads.ts). */
export interface GroupsEvidence {
  resourceTypes: Exchange;
  groups: Exchange;
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
 * Why the server does not offer Groups, or undefined when it does. The preflight showed /Users
 * works; then /Groups answering 404 or 501 says there are none, and so does a /ResourceTypes that
 * lists resource types but no Group, unless /Groups answers 200 all the same (a client would use
 * it: what /ResourceTypes says against what the server does is the discovery checks' to judge).
 */
export function groupsAbsence({ resourceTypes, groups }: GroupsEvidence): string | undefined {
  const status = statusOf(groups);
  if (status !== undefined && NO_ENDPOINT.has(status)) return `the server does not offer Groups: GET /Groups answered ${status} while GET /Users works`;
  const types = listedTypes(resourceTypes);
  if (types === undefined || types.length === 0 || types.some(isGroupType) || status === 200) return undefined;
  const names = types.map((type) => (typeof type['name'] === 'string' ? type['name'] : '?')).join(', ');
  return `the server does not offer Groups: GET /ResourceTypes lists no Group resource type (only ${names}), and GET /Groups answered ${status ?? 'nothing'}`;
}

/** A run in which each rule is skipped for `reason`: what a check of an absent feature returns. */
export function skippedRun(rules: readonly Rule[], reason: string): CheckRun {
  const run = new CheckRun();
  for (const rule of rules) run.skip(rule, reason);
  return run;
}
