/**
 * What the read-path suites share: the reads the global setup made for the run (among them the
 * ServiceProviderConfig), the resources of a list answer, and the reason given when a read-only run
 * finds too little data.
 */
import { readFeatures, type Features } from '../checks/discovery.js';
import type { Exchange } from '../http/exchange.js';
import { listedResources } from '../checks/answers.js';
import { once, suiteTarget } from './spec.js';
import type { ScimClient } from '../http/client.js';
import { firstListedGroupOf, firstListedUserOf, groupLookupQuery, type SharedReads } from './shared-reads.js';

/**
 * The reads the global setup made for every spec file. It makes them whenever the preflight is ok,
 * and no check runs otherwise: ask for them inside a check, not when the spec file loads.
 */
export function sharedReads(): SharedReads {
  const { shared } = suiteTarget().preflight;
  if (shared === undefined) throw new Error('scim-conformance: no shared reads, as the preflight failed; a check asked for them all the same');
  return shared;
}

/** What the server says it supports: the ServiceProviderConfig the global setup read for every spec file. */
export function featuresOnce(): () => Promise<Features> {
  return once(async () => readFeatures(sharedReads().serviceProviderConfig));
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

/** The global setup's answer to GET /Users?filter=<filter>, when it asked exactly that (see shared-reads.ts). */
export function sharedFilterAnswer(filter: string): Exchange | undefined {
  const shared = sharedReads().firstUserByName;
  return shared?.filter === filter ? shared.exchange : undefined;
}

/** The first group the global setup listed (read once for the run), one with members first. */
export function firstListedGroup(): Record<string, unknown> | undefined {
  return firstListedGroupOf(sharedReads().groups);
}

/** Entra's group lookup of `displayName`: the global setup's answer when it asked for that group, else sent now. */
export async function groupLookup(client: ScimClient, displayName: string): Promise<Exchange> {
  const shared = sharedReads().groupLookup;
  return shared?.displayName === displayName ? shared.exchange : client.send({ path: '/Groups', query: groupLookupQuery(displayName) });
}
