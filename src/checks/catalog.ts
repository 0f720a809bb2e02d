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
import { preflightRules } from '../suite/preflight.js';
import { capabilityRules } from '../suite/capabilities.js';

export * from './spec-files.js';
export * from './tool-errors.js';

/** The coverage doc an area of rules is listed in: docs/coverage-read.md or docs/coverage-write.md. */
export type CoverageDoc = 'read' | 'write';

/** One area of rules, as the coverage docs list it: its heading, the module that defines and checks it, its doc. */
export interface RuleArea {
  readonly title: string;
  /** Under src/: where the rules are defined, next to their checks. */
  readonly module: string;
  readonly doc: CoverageDoc;
  readonly rules: Readonly<Record<string, Rule>>;
}

const area = (title: string, module: string, doc: CoverageDoc, rules: Record<string, Rule>): RuleArea => ({ title, module, doc, rules });

/**
 * Every rule the suites can report, in one list, by area: for the metadata lint (each has a code,
 * level and source), for telling a stale acceptance from a typo, and for the coverage docs
 * (`npm run docs` writes their rule tables from it).
 */
export const RULE_AREAS = {
  preflight: area('Before any check: the OAuth token', 'suite/preflight.ts', 'read', preflightRules),
  response: area('Every answer', 'checks/response.ts', 'read', responseRules),
  list: area('Every ListResponse', 'checks/list-response.ts', 'read', listRules),
  connection: area('Connection tests', 'checks/connection.ts', 'read', connectionRules),
  userResource: area('A user resource as Okta reads it', 'checks/user-resource.ts', 'read', userResourceRules),
  auth: area('Authentication', 'checks/auth.ts', 'read', authRules),
  paging: area('Paging', 'checks/paging.ts', 'read', pagingRules),
  filters: area('Filters', 'checks/filters.ts', 'read', filterRules),
  queryParams: area('Query parameters', 'checks/query-params.ts', 'read', queryRules),
  discovery: area('Discovery', 'checks/discovery.ts', 'read', discoveryRules),
  schemaDefinitions: area('Schema definitions', 'checks/schema-definitions.ts', 'read', schemaDefinitionRules),
  representation: area('Representation', 'checks/representation.ts', 'read', representationRules),
  protocol: area('Protocol', 'checks/protocol.ts', 'read', protocolRules),
  errors: area('Errors and reading one resource', 'checks/errors.ts', 'read', errorRules),
  throughput: area('Throughput', 'checks/throughput.ts', 'read', throughputRules),
  oktaUsers: area('Okta user lifecycle', 'checks/user-lifecycle.ts', 'write', userLifecycleRules),
  entraUsers: area('Entra user lifecycle', 'checks/user-lifecycle.ts', 'write', entraUserRules),
  groups: area('Groups', 'checks/group-lifecycle.ts', 'write', groupRules),
  badInput: area('Bad input', 'checks/bad-input.ts', 'write', badInputRules),
  etag: area('ETag and If-Match', 'checks/etag.ts', 'write', etagRules),
  ownership: area('Ownership of what the run writes', 'checks/ownership.ts', 'write', ownershipRules),
  rfcWrites: area('RFC rules of writes', 'checks/rfc-writes.ts', 'write', rfcWriteRules),
  capabilities: area('What the server offers', 'suite/capabilities.ts', 'write', capabilityRules),
} satisfies Record<string, RuleArea>;

/** Codes that are not rules but still name a test: the preflight. */
export const SPECIAL_CODES = ['PREFLIGHT'] as const;

export function allRules(): Rule[] {
  return Object.values(RULE_AREAS).flatMap((rules) => Object.values(rules.rules));
}

export function knownCodes(): Set<string> {
  return new Set([...allRules().map((r) => r.code), ...SPECIAL_CODES]);
}
