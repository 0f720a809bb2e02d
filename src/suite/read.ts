/**
 * What the read-path suites share: the ServiceProviderConfig the global setup read, the resources
 * of a list answer, and the reason given when a read-only run finds too little data.
 */
import { readFeatures, type Features } from '../checks/discovery.js';
import type { ScimClient } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { listedResources } from '../checks/answers.js';
import { once, suiteTarget } from './spec.js';
import { firstListedUserOf } from './shared-reads.js';

/** What the server says it supports: the ServiceProviderConfig the global setup read for every spec file. */
export function featuresOnce(client: ScimClient): () => Promise<Features> {
  const { preflight } = suiteTarget();
  return once(async () => readFeatures(preflight.shared?.serviceProviderConfig ?? (await client.send({ path: '/ServiceProviderConfig' }))));
}

/** The resources of a list answer, or [] when it is not one. */
export function resourcesIn(exchange: Exchange): Record<string, unknown>[] {
  return listedResources(exchange) ?? [];
}

/** The reason given when a read-only run finds too little to judge a rule with. */
export function tooLittle(what: string): string {
  return `${what}; set SCIM_WRITE=true to let the suite create its own test users (prefix scimc-, removed afterwards)`;
}

/** The first user the preflight listed (none of ours); see shared-reads.ts. */
export function firstListedUser(): Record<string, unknown> | undefined {
  return firstListedUserOf(suiteTarget().preflight.exchange);
}
