import { authRules } from './auth.js';
import { badInputRules } from './bad-input.js';
import { discoveryRules } from './discovery.js';
import { errorRules } from './errors.js';
import { etagRules } from './etag.js';
import { filterRules } from './filters.js';
import { groupRules } from './group-lifecycle.js';
import { pagingRules } from './paging.js';
import { queryRules } from './query-params.js';
import { entraUserRules, userLifecycleRules } from './user-lifecycle.js';
import { connectionRules } from './connection.js';
import { listRules } from './list-response.js';
import { ownershipRules } from './ownership.js';
import { protocolRules } from './protocol.js';
import { representationRules } from './representation.js';
import { rfcWriteRules } from './rfc-writes.js';
import { responseRules } from './response.js';
import { schemaDefinitionRules } from './schema-definitions.js';
import type { Rule } from './rule.js';
import { throughputRules } from './throughput.js';
import { userResourceRules } from './user-resource.js';

/**
 * Every rule the suites can report, in one list: for the metadata lint (each has a code, level and
 * source) and for telling a stale acceptance from a typo.
 */
export const ruleSets: Record<string, Record<string, Rule>> = {
  response: responseRules,
  list: listRules,
  connection: connectionRules,
  userResource: userResourceRules,
  auth: authRules,
  paging: pagingRules,
  filters: filterRules,
  queryParams: queryRules,
  discovery: discoveryRules,
  schemaDefinitions: schemaDefinitionRules,
  representation: representationRules,
  protocol: protocolRules,
  errors: errorRules,
  oktaUsers: userLifecycleRules,
  entraUsers: entraUserRules,
  groups: groupRules,
  badInput: badInputRules,
  etag: etagRules,
  throughput: throughputRules,
  ownership: ownershipRules,
  rfcWrites: rfcWriteRules,
};

/** Codes that are not rules but still name a test: the preflight. */
export const SPECIAL_CODES = ['PREFLIGHT'] as const;

export function allRules(): Rule[] {
  return Object.values(ruleSets).flatMap((set) => Object.values(set));
}

export function knownCodes(): Set<string> {
  return new Set([...allRules().map((r) => r.code), ...SPECIAL_CODES]);
}
